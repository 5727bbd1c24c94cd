-- AlterTable
ALTER TABLE "cart"."Cart" ADD COLUMN     "contactEmail" TEXT;

-- CreateTable
CREATE TABLE "cart"."OutboxEvent" (
    "id" BIGSERIAL NOT NULL,
    "eventId" UUID NOT NULL DEFAULT gen_random_uuid(),
    "type" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "streamedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cart"."CartAbandonment" (
    "cartId" UUID NOT NULL,
    "cartVersion" INTEGER NOT NULL,
    "eventId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CartAbandonment_pkey" PRIMARY KEY ("cartId","cartVersion")
);

-- CreateTable
CREATE TABLE "cart"."ReminderPreference" (
    "userId" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ReminderPreference_pkey" PRIMARY KEY ("userId")
);

-- CreateTable
CREATE TABLE "cart"."CartReminder" (
    "userId" TEXT NOT NULL,
    "cartId" UUID NOT NULL,
    "cartVersion" INTEGER NOT NULL,
    "eventId" UUID NOT NULL,
    "sentAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CartReminder_pkey" PRIMARY KEY ("userId","cartId","cartVersion")
);

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "cart"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_streamedAt_id_idx" ON "cart"."OutboxEvent"("streamedAt", "id");

-- CreateIndex
CREATE INDEX "Cart_updatedAt_idx" ON "cart"."Cart"("updatedAt");
