-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "catalog";

-- CreateEnum
CREATE TYPE "catalog"."ReservationStatus" AS ENUM ('ACTIVE', 'CONSUMED', 'RELEASED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "catalog"."StockMovementReason" AS ENUM ('SET_STOCK', 'RESERVE', 'RELEASE', 'EXPIRE', 'CONSUME', 'RESTOCK', 'SEED');

-- CreateTable
CREATE TABLE "catalog"."Category" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "parentId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."Product" (
    "id" UUID NOT NULL,
    "sku" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "brand" TEXT,
    "categoryId" UUID,
    "images" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attributes" JSONB,
    -- Hand-written: a generated column, which Prisma cannot express. schema.prisma repeats this
    -- expression, as Postgres prints it back, in @default(dbgenerated(...)) so the diff stays clean.
    "searchVector" tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce("name", '')), 'A') ||
        setweight(to_tsvector('simple', coalesce("brand", '')), 'B') ||
        setweight(to_tsvector('simple', coalesce("description", '')), 'C')
    ) STORED,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."Inventory" (
    "productId" UUID NOT NULL,
    "onHand" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Inventory_pkey" PRIMARY KEY ("productId")
);

-- CreateTable
CREATE TABLE "catalog"."Reservation" (
    "id" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "checkoutKey" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "status" "catalog"."ReservationStatus" NOT NULL DEFAULT 'ACTIVE',
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Reservation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "catalog"."StockMovement" (
    "id" BIGSERIAL NOT NULL,
    "productId" UUID NOT NULL,
    "reason" "catalog"."StockMovementReason" NOT NULL,
    "onHandDelta" INTEGER NOT NULL,
    "reservedDelta" INTEGER NOT NULL,
    "onHandAfter" INTEGER NOT NULL,
    "reservedAfter" INTEGER NOT NULL,
    "reference" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockMovement_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Category_slug_key" ON "catalog"."Category"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "Category_path_key" ON "catalog"."Category"("path");

-- CreateIndex
CREATE INDEX "Category_parentId_idx" ON "catalog"."Category"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Product_sku_key" ON "catalog"."Product"("sku");

-- CreateIndex
CREATE INDEX "Product_categoryId_idx" ON "catalog"."Product"("categoryId");

-- CreateIndex
CREATE INDEX "Product_brand_idx" ON "catalog"."Product"("brand");

-- CreateIndex
CREATE INDEX "Product_searchVector_idx" ON "catalog"."Product" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "Reservation_status_expiresAt_idx" ON "catalog"."Reservation"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reservation_checkoutKey_productId_key" ON "catalog"."Reservation"("checkoutKey", "productId");

-- CreateIndex
CREATE INDEX "StockMovement_productId_createdAt_idx" ON "catalog"."StockMovement"("productId", "createdAt");

-- AddForeignKey
ALTER TABLE "catalog"."Category" ADD CONSTRAINT "Category_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "catalog"."Category"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."Product" ADD CONSTRAINT "Product_categoryId_fkey" FOREIGN KEY ("categoryId") REFERENCES "catalog"."Category"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."Inventory" ADD CONSTRAINT "Inventory_productId_fkey" FOREIGN KEY ("productId") REFERENCES "catalog"."Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."Reservation" ADD CONSTRAINT "Reservation_productId_fkey" FOREIGN KEY ("productId") REFERENCES "catalog"."Inventory"("productId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "catalog"."StockMovement" ADD CONSTRAINT "StockMovement_productId_fkey" FOREIGN KEY ("productId") REFERENCES "catalog"."Inventory"("productId") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: CHECK constraints, which Prisma cannot express (its diff ignores them).
ALTER TABLE "catalog"."Inventory" ADD CONSTRAINT "Inventory_onHand_check" CHECK ("onHand" >= 0);
ALTER TABLE "catalog"."Inventory" ADD CONSTRAINT "Inventory_reserved_check" CHECK ("reserved" >= 0);
ALTER TABLE "catalog"."Inventory" ADD CONSTRAINT "Inventory_reserved_le_onHand_check" CHECK ("reserved" <= "onHand");
ALTER TABLE "catalog"."Reservation" ADD CONSTRAINT "Reservation_quantity_check" CHECK ("quantity" > 0);
