-- CreateTable
CREATE TABLE "cart"."AnalyticsProductHour" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "productId" UUID NOT NULL,
    "added" INTEGER NOT NULL DEFAULT 0,
    "purchased" INTEGER NOT NULL DEFAULT 0,
    "removed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsProductHour_pkey" PRIMARY KEY ("country","hour","productId")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsProductDay" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "productId" UUID NOT NULL,
    "added" INTEGER NOT NULL DEFAULT 0,
    "purchased" INTEGER NOT NULL DEFAULT 0,
    "removed" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsProductDay_pkey" PRIMARY KEY ("country","day","productId")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsCartHour" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "cartsCreated" INTEGER NOT NULL DEFAULT 0,
    "cartsCheckedOut" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsCartHour_pkey" PRIMARY KEY ("hour","country")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsAddsHour" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "localHour" INTEGER NOT NULL,
    "adds" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsAddsHour_pkey" PRIMARY KEY ("hour","country","localHour")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsCheckoutDuration" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "carts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsCheckoutDuration_pkey" PRIMARY KEY ("country","hour","seconds")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsCheckoutDurationDay" (
    "day" TIMESTAMPTZ(3) NOT NULL,
    "country" VARCHAR(2) NOT NULL,
    "seconds" INTEGER NOT NULL,
    "carts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "AnalyticsCheckoutDurationDay_pkey" PRIMARY KEY ("country","day","seconds")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsCart" (
    "cartId" UUID NOT NULL,
    "country" VARCHAR(2),
    "firstAddAt" TIMESTAMPTZ(3),

    CONSTRAINT "AnalyticsCart_pkey" PRIMARY KEY ("cartId")
);

-- CreateTable
CREATE TABLE "cart"."AnalyticsProcessedEvent" (
    "eventId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AnalyticsProcessedEvent_pkey" PRIMARY KEY ("eventId")
);
