-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "cart";

-- CreateEnum
CREATE TYPE "cart"."CartOwnerType" AS ENUM ('USER', 'GUEST');

-- CreateEnum
CREATE TYPE "cart"."CartEventType" AS ENUM ('LINE_ADDED', 'LINE_UPDATED', 'LINE_REMOVED', 'CLEARED', 'SAVED_FOR_LATER', 'MOVED_TO_CART', 'COUPON_APPLIED', 'COUPON_REMOVED', 'SHIPPING_COUNTRY_SET', 'MERGED', 'CHECKED_OUT');

-- CreateTable
CREATE TABLE "cart"."Cart" (
    "id" UUID NOT NULL,
    "ownerType" "cart"."CartOwnerType" NOT NULL,
    "ownerId" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "couponCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "shippingCountry" VARCHAR(2),
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Cart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."CartLine" (
    "id" UUID NOT NULL,
    "cartId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "optionsKey" TEXT NOT NULL DEFAULT '{}',
    "options" JSONB,
    "quantity" INTEGER NOT NULL,
    "unitPrice" DECIMAL(14,2) NOT NULL,
    "currencyCode" CHAR(3) NOT NULL,
    "savedForLater" BOOLEAN NOT NULL DEFAULT false,
    "addedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CartLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."CartEvent" (
    "id" BIGSERIAL NOT NULL,
    "cartId" UUID NOT NULL,
    "ownerType" "cart"."CartOwnerType" NOT NULL,
    "ownerId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "type" "cart"."CartEventType" NOT NULL,
    "lineId" UUID,
    "productId" UUID,
    "quantity" INTEGER,
    "payload" JSONB,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CartEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."GuestSession" (
    "id" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "GuestSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."CartShare" (
    "token" TEXT NOT NULL,
    "cartId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "CartShare_pkey" PRIMARY KEY ("token")
);

-- CreateTable
CREATE TABLE "cart"."IdempotencyRecord" (
    "ownerKey" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "result" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("ownerKey","key")
);

-- CreateIndex
CREATE INDEX "Cart_expiresAt_idx" ON "cart"."Cart"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Cart_ownerType_ownerId_key" ON "cart"."Cart"("ownerType", "ownerId");

-- CreateIndex
CREATE INDEX "CartLine_productId_idx" ON "cart"."CartLine"("productId");

-- CreateIndex
CREATE UNIQUE INDEX "CartLine_cartId_savedForLater_productId_optionsKey_key" ON "cart"."CartLine"("cartId", "savedForLater", "productId", "optionsKey");

-- CreateIndex
CREATE INDEX "CartEvent_publishedAt_id_idx" ON "cart"."CartEvent"("publishedAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "CartEvent_cartId_version_key" ON "cart"."CartEvent"("cartId", "version");

-- CreateIndex
CREATE INDEX "GuestSession_expiresAt_idx" ON "cart"."GuestSession"("expiresAt");

-- CreateIndex
CREATE INDEX "CartShare_cartId_idx" ON "cart"."CartShare"("cartId");

-- CreateIndex
CREATE INDEX "CartShare_expiresAt_idx" ON "cart"."CartShare"("expiresAt");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_expiresAt_idx" ON "cart"."IdempotencyRecord"("expiresAt");

-- AddForeignKey
ALTER TABLE "cart"."CartLine" ADD CONSTRAINT "CartLine_cartId_fkey" FOREIGN KEY ("cartId") REFERENCES "cart"."Cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cart"."CartEvent" ADD CONSTRAINT "CartEvent_cartId_fkey" FOREIGN KEY ("cartId") REFERENCES "cart"."Cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cart"."CartShare" ADD CONSTRAINT "CartShare_cartId_fkey" FOREIGN KEY ("cartId") REFERENCES "cart"."Cart"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: a CHECK constraint, which Prisma cannot express (its diff ignores it).
ALTER TABLE "cart"."CartLine" ADD CONSTRAINT "CartLine_quantity_check" CHECK ("quantity" BETWEEN 1 AND 999);
