-- revision: 2c942b388c43
-- down_revision: 3f9e4d470d24
-- message: post image
-- date: 2026-12-06 03:10:00
-- upgrade
ALTER TABLE "post" ADD COLUMN "image" VARCHAR(255);
-- downgrade
ALTER TABLE "post" DROP COLUMN "image";
