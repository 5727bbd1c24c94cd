-- AlterTable
ALTER TABLE "catalog"."OutboxEvent" ADD COLUMN     "traceparent" TEXT;
