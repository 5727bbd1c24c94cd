-- AlterTable
ALTER TABLE "orders"."OutboxEvent" ADD COLUMN     "traceparent" TEXT;
