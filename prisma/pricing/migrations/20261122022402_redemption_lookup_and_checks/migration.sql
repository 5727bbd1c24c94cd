-- CreateIndex
CREATE INDEX "CouponRedemption_checkoutKey_idx" ON "pricing"."CouponRedemption"("checkoutKey");

-- Invariants Prisma cannot express: money is positive, percentages are at most 100, and the
-- redemption counter never goes below 0 or above its limit, whatever code writes it.
ALTER TABLE "pricing"."Price" ADD CONSTRAINT "Price_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "pricing"."PriceHistory" ADD CONSTRAINT "PriceHistory_amount_positive" CHECK ("amount" > 0);
ALTER TABLE "pricing"."Coupon" ADD CONSTRAINT "Coupon_value_valid" CHECK ("value" > 0 AND ("kind" <> 'PERCENT' OR "value" <= 100));
ALTER TABLE "pricing"."Coupon" ADD CONSTRAINT "Coupon_redemptions_within_limit" CHECK ("redemptions" >= 0 AND ("maxRedemptions" IS NULL OR "redemptions" <= "maxRedemptions"));
ALTER TABLE "pricing"."Coupon" ADD CONSTRAINT "Coupon_max_redemptions_positive" CHECK ("maxRedemptions" IS NULL OR "maxRedemptions" > 0);
ALTER TABLE "pricing"."Coupon" ADD CONSTRAINT "Coupon_window_ordered" CHECK ("startsAt" IS NULL OR "endsAt" IS NULL OR "endsAt" > "startsAt");
ALTER TABLE "pricing"."TaxRate" ADD CONSTRAINT "TaxRate_rate_fraction" CHECK ("rate" >= 0 AND "rate" < 1);
ALTER TABLE "pricing"."ShippingRate" ADD CONSTRAINT "ShippingRate_amounts_non_negative" CHECK ("amount" >= 0 AND ("freeOver" IS NULL OR "freeOver" >= 0));
