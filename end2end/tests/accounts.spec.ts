import { expect, test } from "@playwright/test";
import { adminPassword, openHydrated, problems, screenshot, signIn, tallViewport, watch } from "./common";

test.beforeEach(async ({ page }) => watch(page));
test.afterEach(async ({ page }) => expect(problems(page)).toEqual([]));
test.use({ viewport: tallViewport });

test("an admin adds a user, changes role and password, and creates and revokes an API token", async ({ page }) => {
  await signIn(page, "admin", adminPassword);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users and API tokens" })).toBeVisible();
  await expect(page.locator('[data-test="user-row"]')).toHaveCount(2);
  await expect(page.getByText("No API tokens yet")).toBeVisible();

  const add = page.locator("form", { has: page.getByRole("heading", { name: "Add a user" }) });
  await add.getByLabel("Username").fill("olivia");
  await add.getByLabel("Role").selectOption("operator");
  await add.getByLabel(/Password/).fill("too short");
  await add.getByRole("button", { name: "Add user" }).click();
  await expect(add.getByRole("alert")).toHaveText("a password needs at least 12 characters");
  await add.getByLabel(/Password/).fill("olivia's first password");
  await add.getByRole("button", { name: "Add user" }).click();
  const olivia = page.locator('[data-test="user-row"]', { hasText: "olivia" });
  await expect(olivia).toBeVisible();
  await expect(olivia.getByLabel("Role of olivia")).toHaveValue("operator");

  await olivia.getByLabel("Role of olivia").selectOption("viewer");
  await openHydrated(page, "/users");
  await expect(olivia.getByLabel("Role of olivia")).toHaveValue("viewer");
  const admin = page.locator('[data-test="user-row"]', { hasText: "admin" });
  await admin.getByLabel("Role of admin").selectOption("viewer");
  await expect(page.getByRole("alert").first()).toHaveText("admin is the last admin; make someone else admin first");
  await expect(admin.getByLabel("Role of admin")).toHaveValue("admin");

  await olivia.getByLabel("New password for olivia").fill("olivia's second password");
  await olivia.getByRole("button", { name: "Set" }).click();
  await expect(page.getByText("Password changed; that user signs in again.")).toBeVisible();

  const tokenForm = page.locator("form", { has: page.getByRole("heading", { name: "Create a token" }) });
  await tokenForm.getByLabel("What it is for").fill("e2e-integration");
  await tokenForm.getByLabel(/Expires after/).fill("soon");
  await tokenForm.getByRole("button", { name: "Create token" }).click();
  await expect(tokenForm.getByRole("alert")).toHaveText("expiry is a whole number of days, or empty for never");
  await tokenForm.getByLabel(/Expires after/).fill("30");
  await tokenForm.getByRole("button", { name: "Create token" }).click();
  const token = (await page.locator('[data-test="new-token"]').textContent()) ?? "";
  expect(token).toMatch(/^vtn_[0-9a-f]{48}$/);
  await screenshot(page, "users");
  const api = () => page.request.get("/api/v1/events", { headers: { Authorization: `Bearer ${token}` } });
  expect((await api()).status()).toBe(200);

  await page.getByRole("button", { name: "Done, I have copied it" }).click();
  await expect(page.locator('[data-test="new-token"]')).toHaveCount(0);
  const row = page.locator('[data-test="token-row"]', { hasText: "e2e-integration" });
  await expect(row.locator(".badge")).toHaveText("live");
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.locator(".badge")).toHaveText("revoked");
  expect((await api()).status()).toBe(401);

  await page.getByRole("button", { name: "Sign out" }).click();
  await signIn(page, "olivia", "olivia's second password");
  await expect(page.getByText("Signed in as")).toContainText("(viewer)");
  await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  const refused = await page.request.post("/api/add_user", {
    form: { username: "mallory", role: "admin", password: "a long enough password" },
    headers: { Origin: process.env.VTN_E2E_URL ?? "" },
  });
  expect(refused.status()).toBe(403);
});
