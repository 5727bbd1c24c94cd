-- CreateEnum
CREATE TYPE "orders"."CheckoutKind" AS ENUM ('CART', 'FLASH_SALE');

-- AlterTable
ALTER TABLE "orders"."Checkout" ADD COLUMN     "kind" "orders"."CheckoutKind" NOT NULL DEFAULT 'CART';
