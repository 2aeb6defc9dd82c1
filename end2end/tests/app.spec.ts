import { expect, test } from "@playwright/test";
import { adminPassword, openHydrated, problems, signIn, watch } from "./common";

test.beforeEach(async ({ page }) => watch(page));
test.afterEach(async ({ page }) => expect(problems(page)).toEqual([]));

test("anonymous visitors are sent to sign in; an admin signs in and out", async ({ page }) => {
  await openHydrated(page, "/");
  await expect(page).toHaveURL(/\/login$/);
  await openHydrated(page, "/events");
  await expect(page).toHaveURL(/\/login$/);

  await signIn(page, "admin", adminPassword);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.locator('[data-test="database"]')).toHaveText("sqlite");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await openHydrated(page, "/");
  await expect(page).toHaveURL(/\/login$/);
});

test("a wrong password is refused with a readable message", async ({ page }) => {
  await openHydrated(page, "/login");
  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill("certainly not it");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("wrong username or password");
  await expect(page).toHaveURL(/\/login$/);
});
