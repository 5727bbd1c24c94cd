-- AlterTable
ALTER TABLE "pricing"."OutboxEvent" ADD COLUMN     "traceparent" TEXT;
