-- CreateTable
CREATE TABLE "catalog"."ReleasedCheckoutKey" (
    "checkoutKey" TEXT NOT NULL,
    "releasedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReleasedCheckoutKey_pkey" PRIMARY KEY ("checkoutKey")
);

-- CreateIndex
CREATE INDEX "ReleasedCheckoutKey_releasedAt_idx" ON "catalog"."ReleasedCheckoutKey"("releasedAt");
