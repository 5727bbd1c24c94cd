-- AlterEnum
ALTER TYPE "catalog"."ReservationStatus" ADD VALUE 'RETURNED';
