-- AlterTable
ALTER TABLE "orders"."Checkout" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "leaseOwner" TEXT;

-- AlterTable
ALTER TABLE "orders"."Payment" ADD COLUMN     "failureReason" TEXT;

-- CreateIndex
CREATE INDEX "Checkout_status_leaseUntil_idx" ON "orders"."Checkout"("status", "leaseUntil");
