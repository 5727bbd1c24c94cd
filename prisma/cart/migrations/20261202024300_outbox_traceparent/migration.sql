-- AlterTable
ALTER TABLE "cart"."OutboxEvent" ADD COLUMN     "traceparent" TEXT;
