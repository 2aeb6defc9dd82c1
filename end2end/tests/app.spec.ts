import { expect, test, type Page } from "@playwright/test";

const password = process.env.VTN_E2E_PASSWORD ?? "";

// Any console error or uncaught exception (e.g. a hydration mismatch) fails the
// test. The browser's own note on an HTTP error status is not the app's error:
// a refused sign-in is answered 400 on purpose.
test.beforeEach(async ({ page }) => {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.push(`console error: ${message.text()}`);
  });
  (page as Page & { problems?: string[] }).problems = problems;
});

test.afterEach(async ({ page }) => {
  expect((page as Page & { problems?: string[] }).problems).toEqual([]);
});

async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".app")).toHaveAttribute("data-hydrated", "true");
}

test("an operator signs in, sees figures from the database, refreshes and signs out", async ({ page }) => {
  await openHydrated(page, "/");
  // Anonymous visitors are sent to the login page.
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Username").fill("admin");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("Signed in as")).toContainText("admin");
  await expect(page.locator('[data-test="users"]')).toHaveText("1");
  await expect(page.locator('[data-test="database"]')).toHaveText("sqlite");

  const before = await page.locator('[data-test="as-of"]').textContent();
  await page.waitForTimeout(1100);
  await page.getByRole("button", { name: "Refresh" }).click();
  await expect(page.locator('[data-test="as-of"]')).not.toHaveText(before ?? "");

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
