-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "pricing";

-- CreateEnum
CREATE TYPE "pricing"."CouponKind" AS ENUM ('PERCENT', 'FIXED');

-- CreateEnum
CREATE TYPE "pricing"."RedemptionStatus" AS ENUM ('REDEEMED', 'REVERSED');

-- CreateTable
CREATE TABLE "pricing"."Price" (
    "productId" UUID NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "currencyCode" CHAR(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Price_pkey" PRIMARY KEY ("productId")
);

-- CreateTable
CREATE TABLE "pricing"."PriceHistory" (
    "id" BIGSERIAL NOT NULL,
    "productId" UUID NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "currencyCode" CHAR(3) NOT NULL,
    "effectiveFrom" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PriceHistory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pricing"."Coupon" (
    "code" TEXT NOT NULL,
    "kind" "pricing"."CouponKind" NOT NULL,
    "value" DECIMAL(14,2) NOT NULL,
    "description" TEXT,
    "minSubtotal" DECIMAL(14,2),
    "startsAt" TIMESTAMPTZ(3),
    "endsAt" TIMESTAMPTZ(3),
    "maxRedemptions" INTEGER,
    "redemptions" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Coupon_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "pricing"."CouponRedemption" (
    "id" BIGSERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "checkoutKey" TEXT NOT NULL,
    "status" "pricing"."RedemptionStatus" NOT NULL DEFAULT 'REDEEMED',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CouponRedemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pricing"."TaxRate" (
    "country" VARCHAR(2) NOT NULL,
    "rate" DECIMAL(6,4) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "TaxRate_pkey" PRIMARY KEY ("country")
);

-- CreateTable
CREATE TABLE "pricing"."ShippingRate" (
    "country" VARCHAR(2) NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL,
    "freeOver" DECIMAL(14,2),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ShippingRate_pkey" PRIMARY KEY ("country")
);

-- CreateIndex
CREATE INDEX "PriceHistory_productId_effectiveFrom_idx" ON "pricing"."PriceHistory"("productId", "effectiveFrom");

-- CreateIndex
CREATE UNIQUE INDEX "CouponRedemption_code_checkoutKey_key" ON "pricing"."CouponRedemption"("code", "checkoutKey");

-- AddForeignKey
ALTER TABLE "pricing"."CouponRedemption" ADD CONSTRAINT "CouponRedemption_code_fkey" FOREIGN KEY ("code") REFERENCES "pricing"."Coupon"("code") ON DELETE CASCADE ON UPDATE CASCADE;
