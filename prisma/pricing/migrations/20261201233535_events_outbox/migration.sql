-- CreateTable
CREATE TABLE "pricing"."OutboxEvent" (
    "id" BIGSERIAL NOT NULL,
    "eventId" UUID NOT NULL DEFAULT gen_random_uuid(),
    "type" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "occurredAt" TIMESTAMPTZ(3) NOT NULL,
    "streamedAt" TIMESTAMPTZ(3),

    CONSTRAINT "OutboxEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "pricing"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_streamedAt_id_idx" ON "pricing"."OutboxEvent"("streamedAt", "id");
