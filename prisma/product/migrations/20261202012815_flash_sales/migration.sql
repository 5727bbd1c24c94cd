-- CreateEnum
CREATE TYPE "catalog"."FlashSaleTicketStatus" AS ENUM ('WAITING', 'ADMITTED', 'REDEEMING', 'PURCHASED', 'EXPIRED', 'SOLD_OUT');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "catalog"."StockMovementReason" ADD VALUE 'FLASH_SALE_ALLOCATE';
ALTER TYPE "catalog"."StockMovementReason" ADD VALUE 'FLASH_SALE_RETURN';

-- CreateTable
CREATE TABLE "catalog"."FlashSale" (
    "id" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "price" DECIMAL(14,2) NOT NULL,
    "currencyCode" CHAR(3) NOT NULL,
    "allocation" INTEGER NOT NULL,
    "available" INTEGER NOT NULL,
    "held" INTEGER NOT NULL DEFAULT 0,
    "sold" INTEGER NOT NULL DEFAULT 0,
    "returned" INTEGER NOT NULL DEFAULT 0,
    "perBuyerLimit" INTEGER NOT NULL,
    "admissionsPerSecond" INTEGER NOT NULL,
    "queueOpensAt" TIMESTAMPTZ(3) NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "soldOutAt" TIMESTAMPTZ(3),
    "endedAt" TIMESTAMPTZ(3),
    "admittedThroughSeq" INTEGER NOT NULL DEFAULT 0,
    "postgresSeq" INTEGER NOT NULL DEFAULT 0,
    "admissionWindow" INTEGER NOT NULL DEFAULT -1,
    "admittedInWindow" INTEGER NOT NULL DEFAULT 0,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FlashSale_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."FlashSaleTicket" (
    "id" UUID NOT NULL,
    "saleId" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "status" "catalog"."FlashSaleTicketStatus" NOT NULL DEFAULT 'WAITING',
    "units" INTEGER NOT NULL DEFAULT 0,
    "joinedAt" TIMESTAMPTZ(3) NOT NULL,
    "admittedAt" TIMESTAMPTZ(3),
    "tokenExpiresAt" TIMESTAMPTZ(3),
    "checkoutKey" TEXT,
    "quantity" INTEGER,
    "redeemExpiresAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "FlashSaleTicket_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FlashSale_endedAt_queueOpensAt_idx" ON "catalog"."FlashSale"("endedAt", "queueOpensAt");

-- CreateIndex
CREATE INDEX "FlashSale_productId_idx" ON "catalog"."FlashSale"("productId");

-- CreateIndex
CREATE UNIQUE INDEX "FlashSaleTicket_checkoutKey_key" ON "catalog"."FlashSaleTicket"("checkoutKey");

-- CreateIndex
CREATE INDEX "FlashSaleTicket_saleId_status_seq_idx" ON "catalog"."FlashSaleTicket"("saleId", "status", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "FlashSaleTicket_saleId_userId_key" ON "catalog"."FlashSaleTicket"("saleId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "FlashSaleTicket_saleId_seq_key" ON "catalog"."FlashSaleTicket"("saleId", "seq");

-- AddForeignKey
ALTER TABLE "catalog"."FlashSale" ADD CONSTRAINT "FlashSale_productId_fkey" FOREIGN KEY ("productId") REFERENCES "catalog"."Inventory"("productId") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."FlashSaleTicket" ADD CONSTRAINT "FlashSaleTicket_saleId_fkey" FOREIGN KEY ("saleId") REFERENCES "catalog"."FlashSale"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: CHECK constraints, which Prisma cannot express (its diff ignores them). Together
-- they make the pool's accounting the database's business: no counter goes negative and every
-- allocated unit is in exactly one place, so no code path can sell more than the allocation.
ALTER TABLE "catalog"."FlashSale" ADD CONSTRAINT "FlashSale_counters_check"
  CHECK ("allocation" > 0 AND "available" >= 0 AND "held" >= 0 AND "sold" >= 0 AND "returned" >= 0);
ALTER TABLE "catalog"."FlashSale" ADD CONSTRAINT "FlashSale_pool_balance_check"
  CHECK ("available" + "held" + "sold" + "returned" = "allocation");
ALTER TABLE "catalog"."FlashSale" ADD CONSTRAINT "FlashSale_rules_check"
  CHECK ("perBuyerLimit" > 0 AND "admissionsPerSecond" > 0 AND "price" >= 0 AND "queueOpensAt" <= "startsAt" AND "startsAt" < "endsAt");
ALTER TABLE "catalog"."FlashSaleTicket" ADD CONSTRAINT "FlashSaleTicket_units_check" CHECK ("units" >= 0 AND "seq" > 0 AND ("quantity" IS NULL OR "quantity" > 0));
