-- CreateTable
CREATE TABLE "catalog"."OutboxEvent" (
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
CREATE UNIQUE INDEX "OutboxEvent_eventId_key" ON "catalog"."OutboxEvent"("eventId");

-- CreateIndex
CREATE INDEX "OutboxEvent_streamedAt_id_idx" ON "catalog"."OutboxEvent"("streamedAt", "id");
