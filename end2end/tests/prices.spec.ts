import { expect, test } from "@playwright/test";
import { adminPassword, openHydrated, problems, screenshot, signIn, tallViewport, watch } from "./common";

// Runs after operator.spec.ts (files run in name order), so the programs it
// creates do not change what that walk-through sees.
test.beforeEach(async ({ page }) => watch(page));
test.afterEach(async ({ page }) => expect(problems(page)).toEqual([]));
test.use({ viewport: tallViewport });

test("an admin schedules day-ahead prices, pastes a daylight-saving day and downloads its settlement", async ({
  page,
}) => {
  await signIn(page, "admin", adminPassword);
  await openHydrated(page, "/programs");
  await page.getByRole("button", { name: "Add Program" }).click();
  const editor = page.locator("form", { has: page.getByRole("button", { name: "Save program" }) });
  await editor.getByLabel("Name").fill("Hourly prices");
  await editor.getByLabel("Market context URI").fill("http://e2e.example/dr/hourly");
  await editor.getByLabel("Publish daily").check();
  await editor.getByLabel("Time zone").fill("Eastern");
  await editor.getByLabel("Publish at (local)").fill("17:00");
  await editor.getByRole("button", { name: "Save program" }).click();
  await expect(editor.getByRole("alert")).toContainText('"Eastern" is not an IANA time zone name');
  await editor.getByLabel("Time zone").fill("America/New_York");
  await editor.getByRole("button", { name: "Save program" }).click();
  const row = page.locator('[data-test="program-row"]', { hasText: "Hourly prices" });
  await expect(row.locator('[data-test="day-ahead"]')).toContainText("published daily at 17:00 America/New_York");

  const prices = page.locator('[data-test="day-prices"]');
  await prices.getByLabel("Program").selectOption({ label: "Hourly prices" });
  await prices.getByLabel("Date").fill("2027-03-14");
  const day = (n: number) => Array.from({ length: n }, (_, h) => (0.1 + h / 100).toFixed(2)).join("\n");
  await prices.getByLabel(/Prices, one per line/).fill(day(24));
  await prices.getByRole("button", { name: "Store prices" }).click();
  await expect(prices.getByRole("alert")).toHaveText("2027-03-14 in America/New_York has 23 hours, got 24 prices");
  await prices.getByLabel(/Prices, one per line/).fill(day(23));
  await prices.getByRole("button", { name: "Store prices" }).click();
  await expect(prices.getByRole("status")).toHaveText("Stored 23 prices for 2027-03-14 (America/New_York).");
  await expect(prices.getByRole("alert")).toHaveCount(0);
  await screenshot(page, "day-ahead-prices");

  // The next day from a CSV file with a header and hour numbers.
  const rows = Array.from({ length: 24 }, (_, h) => `${h + 1},${(0.2 + h / 100).toFixed(2)}`);
  await prices.getByLabel("Date").fill("2027-03-15");
  await prices.getByLabel(/upload a CSV file/).setInputFiles({
    name: "prices.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(["hour,price", ...rows].join("\r\n")),
  });
  await expect(prices.getByLabel(/Prices, one per line/)).toHaveValue(/^0\.2\n0\.21\n[\s\S]*\n0\.43$/);
  await prices.getByRole("button", { name: "Store prices" }).click();
  await expect(prices.getByRole("status")).toHaveText("Stored 24 prices for 2027-03-15 (America/New_York).");
  await prices.getByLabel(/upload a CSV file/).setInputFiles({
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("hour,price\n1,cheap\n"),
  });
  await expect(prices.getByRole("alert")).toHaveText('row 2: "cheap" is not a price');

  await row.getByLabel("Settlement date").fill("2027-03-14");
  const link = row.getByRole("link", { name: "Settlement CSV" });
  await expect(link).toHaveAttribute("href", /\/export\/programs\/\d+\/settlement\/2027-03-14\.csv$/);
  const csv = await page.request.get((await link.getAttribute("href")) ?? "");
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toBe("site,ven_id,hour,start,kwh,readings\n");
});
