-- CreateTable
CREATE TABLE "catalog"."ProductAffinity" (
    "productId" UUID NOT NULL,
    "partnerId" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "pairs" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProductAffinity_pkey" PRIMARY KEY ("productId","partnerId")
);

-- CreateTable
CREATE TABLE "catalog"."ProductSales" (
    "productId" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "units" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ProductSales_pkey" PRIMARY KEY ("productId")
);

-- CreateTable
CREATE TABLE "catalog"."AffinityCartLine" (
    "cartId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "addedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AffinityCartLine_pkey" PRIMARY KEY ("cartId","productId")
);

-- CreateTable
CREATE TABLE "catalog"."AffinityProcessedEvent" (
    "eventId" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AffinityProcessedEvent_pkey" PRIMARY KEY ("eventId")
);

-- CreateIndex
CREATE INDEX "ProductAffinity_productId_score_idx" ON "catalog"."ProductAffinity"("productId", "score" DESC);

-- CreateIndex
CREATE INDEX "ProductSales_score_idx" ON "catalog"."ProductSales"("score" DESC);
