-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "orders";

-- CreateEnum
CREATE TYPE "orders"."OrderStatus" AS ENUM ('PAID', 'CANCELLED');

-- CreateEnum
CREATE TYPE "orders"."PaymentKind" AS ENUM ('CHARGE', 'REFUND');

-- CreateEnum
CREATE TYPE "orders"."CheckoutStatus" AS ENUM ('STARTED', 'RESERVED', 'PRICED', 'CHARGED', 'ORDERED', 'COMPLETED', 'FAILED');

-- CreateTable
CREATE TABLE "orders"."Order" (
    "id" UUID NOT NULL,
    "seq" SERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "status" "orders"."OrderStatus" NOT NULL,
    "checkoutId" UUID NOT NULL,
    "currencyCode" CHAR(3) NOT NULL,
    "subtotal" DECIMAL(14,2) NOT NULL,
    "discountTotal" DECIMAL(14,2) NOT NULL,
    "shipping" DECIMAL(14,2) NOT NULL,
    "tax" DECIMAL(14,2) NOT NULL,
    "total" DECIMAL(14,2) NOT NULL,
    "couponCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "shippingAddress" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelledAt" TIMESTAMPTZ(3),

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders"."OrderLine" (
    "id" UUID NOT NULL,
    "orderId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "productId" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "options" JSONB,
    "quantity" INTEGER NOT NULL,
    "unitPrice" DECIMAL(14,2) NOT NULL,
    "lineTotal" DECIMAL(14,2) NOT NULL,

    CONSTRAINT "OrderLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders"."Payment" (
    "id" UUID NOT NULL,
    "checkoutId" UUID NOT NULL,
    "orderId" UUID,
    "kind" "orders"."PaymentKind" NOT NULL,
    "status" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "transactionId" TEXT,
    "amount" DECIMAL(14,2) NOT NULL,
    "currencyCode" CHAR(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders"."Checkout" (
    "id" UUID NOT NULL,
    "userId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" "orders"."CheckoutStatus" NOT NULL DEFAULT 'STARTED',
    "cartId" UUID,
    "cartVersion" INTEGER NOT NULL,
    "state" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB,
    "orderId" UUID,
    "leaseUntil" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Checkout_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Order_seq_key" ON "orders"."Order"("seq");

-- CreateIndex
CREATE UNIQUE INDEX "Order_number_key" ON "orders"."Order"("number");

-- CreateIndex
CREATE UNIQUE INDEX "Order_checkoutId_key" ON "orders"."Order"("checkoutId");

-- CreateIndex
CREATE INDEX "Order_userId_createdAt_id_idx" ON "orders"."Order"("userId", "createdAt" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "OrderLine_orderId_position_key" ON "orders"."OrderLine"("orderId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Payment_idempotencyKey_key" ON "orders"."Payment"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Payment_checkoutId_idx" ON "orders"."Payment"("checkoutId");

-- CreateIndex
CREATE INDEX "Checkout_status_updatedAt_idx" ON "orders"."Checkout"("status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Checkout_userId_idempotencyKey_key" ON "orders"."Checkout"("userId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "orders"."OrderLine" ADD CONSTRAINT "OrderLine_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"."Order"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders"."Payment" ADD CONSTRAINT "Payment_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "orders"."Order"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Hand-written: a CHECK constraint, which Prisma cannot express (its diff ignores it).
ALTER TABLE "orders"."OrderLine" ADD CONSTRAINT "OrderLine_quantity_check" CHECK ("quantity" > 0);
