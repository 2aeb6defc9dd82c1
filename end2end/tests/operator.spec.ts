import { expect, test, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { adminPassword, openHydrated, problems, screenshot, signIn, tallViewport, viewerPassword, watch } from "./common";

const work = process.env.VTN_E2E_WORK ?? "";
const python = process.env.VTN_E2E_PYTHON ?? "python3";
const baseURL = process.env.VTN_E2E_URL ?? "";

// OpenADR 2.0b: the last 10 bytes of the certificate's SHA-256, as hex pairs.
function fingerprint(pemPath: string): string {
  const der = new X509Certificate(readFileSync(pemPath)).raw;
  const digest = createHash("sha256").update(der).digest();
  return [...digest.subarray(digest.length - 10)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

// What the openleadr VEN recorded (JSON lines: fingerprint, events, readings).
function venLog(): Array<Record<string, unknown>> {
  try {
    return readFileSync(`${work}/ven-out.jsonl`, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

// A datetime-local value for a time relative to now, in the browser's zone.
async function localInput(page: Page, offsetMinutes: number): Promise<string> {
  return page.evaluate((offset) => {
    const d = new Date(Date.now() + offset * 60_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
  }, offsetMinutes);
}

let ven: ChildProcess | undefined;

test.afterAll(() => {
  ven?.kill();
});

test.beforeEach(async ({ page }) => watch(page));
test.afterEach(async ({ page }) => expect(problems(page)).toEqual([]));

test.describe.configure({ mode: "serial" });
test.use({ viewport: tallViewport });

test("an operator enrols a customer's site, runs events with a real VEN and exports its telemetry", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, "admin", adminPassword);

  await test.step("an empty overview says what to do next", async () => {
    await expect(page.getByText("No events. Use Add DR Event")).toBeVisible();
  });

  await test.step("create a customer", async () => {
    await page.getByRole("link", { name: "Add Customer" }).click();
    const name = page.getByLabel("Name");
    // Checked as soon as the user leaves the field, before any save.
    await name.fill("   ");
    await name.blur();
    await expect(name).toHaveAccessibleDescription("the customer needs a name");
    await expect(name).toHaveAttribute("aria-invalid", "true");
    // Re-checked as the user types.
    await name.fill("Acme Cold Storage");
    await expect(name).toHaveAccessibleDescription("");
    await expect(name).toHaveAttribute("aria-invalid", "false");
    await page.getByLabel("Contact").fill("Dana Ruiz, +1 555 0100");
    await page.getByRole("button", { name: "Save customer" }).click();
    await expect(page.getByRole("heading", { name: "Acme Cold Storage" })).toBeVisible();
    await expect(page).toHaveURL(/\/customers\/\d+$/);
  });
  const customerUrl = page.url();

  await test.step("create a program (admin)", async () => {
    await page.getByRole("link", { name: "DR programs" }).click();
    await page.getByRole("button", { name: "Add Program" }).click();
    await page.getByLabel("Name").fill("Peak Saver");
    // Sites are found by part of their name.
    await page.getByLabel("Find sites").fill("nothing like it");
    await expect(page.getByText("No sites found.")).toBeVisible();
    await page.getByLabel("Find sites").fill("demo");
    await expect(page.getByRole("checkbox", { name: "Demo site" })).not.toBeChecked();
    await page.getByLabel("Find sites").fill("");
    const marketContext = page.getByLabel("Market context URI");
    await marketContext.fill("not a uri");
    await marketContext.blur();
    await expect(marketContext).toHaveAccessibleDescription(/market context is a URI/);
    await screenshot(page, "program-form-problems");
    await page.getByLabel("Usage granularity").fill("0");
    await page.getByRole("button", { name: "Save program" }).click();
    // The save attempt names every wrong field, each beside its field; nothing is stored.
    await expect(page.getByLabel("Usage granularity")).toHaveAccessibleDescription(/usage granularity is 1 to/);
    await expect(marketContext).toHaveAccessibleDescription(/market context is a URI/);
    await page.getByLabel("Market context URI").fill("http://e2e.example/dr/peak");
    // Short report periods so the VEN's telemetry arrives within the test.
    await page.getByLabel("Usage granularity").fill("2");
    await page.getByLabel("Usage report-back").fill("4");
    await page.getByRole("button", { name: "Save program" }).click();
    await expect(page.locator('[data-test="program-row"]')).toContainText("Peak Saver");
    await screenshot(page, "programs");
  });

  const fp = fingerprint(`${work}/ven.pem`);
  await test.step("create the customer's site for the VEN's certificate", async () => {
    await openHydrated(page, customerUrl);
    await page.getByRole("link", { name: "Create New Site" }).click();
    await expect(page.getByRole("heading", { name: "Create New Site" })).toBeVisible();
    await page.getByLabel("Site name").fill("Depot");
    await page.getByLabel("VEN name").fill("e2e ven");
    await page.getByLabel("Certificate fingerprint").fill(fp.toLowerCase());
    await page.getByRole("checkbox", { name: "Peak Saver" }).check();
    await page.getByRole("button", { name: "Save site" }).click();
    await expect(page.getByLabel("VEN name")).toHaveAccessibleDescription(/the VEN name cannot contain spaces$/);
    await page.getByLabel("VEN name").fill("e2e-ven");
    await page.getByRole("button", { name: "Save site" }).click();
    await expect(page.getByRole("heading", { name: "Depot" })).toBeVisible();
    await expect(page.locator('[data-test="ven-id"]')).toHaveText(/^ven-/);
    await expect(page.getByText(fp)).toBeVisible();
    await expect(page.locator('[data-test="registration"]')).toContainText("Not registered");
  });
  const siteUrl = page.url();

  await test.step("the real VEN connects; the site page turns online without reload", async () => {
    ven = spawn(python, [
      "../end2end/interop/openleadr_ven.py",
      `${baseURL}/OpenADR2/Simple/2.0b`,
      "e2e-ven",
      `${work}/ven.pem`,
      `${work}/ven.key`,
      `${work}/pki/server-ca.pem`,
      `${work}/ven-out.jsonl`,
    ], { stdio: "ignore", cwd: process.cwd() });
    await expect(page.locator('[data-test="registration"]')).toContainText("Registration ID", { timeout: 30_000 });
    await expect(page.locator(".heading .badge-online")).toBeVisible({ timeout: 15_000 });
    await expect(page.getByRole("cell", { name: "power", exact: true })).toBeVisible({ timeout: 15_000 });
    expect(venLog()[0]).toEqual({ kind: "fingerprint", value: fp });
    await screenshot(page, "site");
  });

  await test.step("a SIMPLE event is delivered and opted into, live on the event page", async () => {
    await page.getByRole("link", { name: "DR events" }).click();
    await page.getByRole("link", { name: "Add DR Event" }).click();
    await expect(page.getByRole("checkbox", { name: "Depot" })).toBeChecked();
    // Unchecking every site is caught before anything is sent.
    await page.getByLabel("Start (your local time)").fill(await localInput(page, -1));
    await page.getByRole("checkbox", { name: "Depot" }).uncheck();
    await page.getByRole("button", { name: "Create event" }).click();
    await expect(page.getByRole("alert")).toHaveText("choose at least one site");
    await page.getByRole("checkbox", { name: "Depot" }).check();
    await page.getByLabel("Start (your local time)").fill(await localInput(page, -1));
    await page.getByRole("combobox", { name: /^Level/ }).selectOption("2");
    await page.getByLabel("Duration (minutes)").fill("60");
    await page.getByRole("button", { name: "Create event" }).click();
    await expect(page).toHaveURL(/\/events\/\d+$/);
    await expect(page.locator('[data-test="signal"]')).toHaveText("SIMPLE level 2");
    await expect(page.locator('[data-test="event-status"]')).toHaveText("active");
    await expect(page.locator('[data-test="opt"]')).toHaveText("optIn", { timeout: 30_000 });
    await expect(page.locator('[data-test="delivery-state"]')).toHaveText("answered");
  });
  const eventUrl = page.url();

  await test.step("the chart shows the VEN's readings and the CSV has them", async () => {
    await expect(page.locator("figure.chart .legend")).toContainText(/measured kW \([1-9]\d* points\)/, { timeout: 60_000 });
    await screenshot(page, "event");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: "Download telemetry (CSV)" }).click(),
    ]);
    const rows = readFileSync(await download.path(), "utf8").trim().split("\n");
    expect(rows[0]).toBe("site,time,baseline_kw,measured_kw");
    expect(rows.length).toBeGreaterThan(1);
    const sent = new Set(venLog().filter((e) => e.kind === "reading").map((e) => (e.value as number) / 1000));
    for (const row of rows.slice(1)) {
      const [site, time, baseline, measured] = row.split(",");
      expect(site).toBe("Depot");
      expect(Date.parse(time)).not.toBeNaN();
      expect(baseline).toBe("");
      expect(sent.has(Number(measured))).toBe(true);
    }
  });

  await test.step("modify, then cancel; the VEN hears both", async () => {
    await page.getByLabel("SIMPLE level").selectOption("3");
    await page.getByLabel("Reason").fill("grid emergency");
    await page.getByRole("button", { name: "Send modification" }).click();
    await expect(page.locator('[data-test="modification"]')).toContainText("1 (grid emergency)");
    await expect(page.locator('[data-test="signal"]')).toHaveText("SIMPLE level 3");
    await expect
      .poll(() => venLog().some((e) => e.kind === "event" && e.modification_number === 1), { timeout: 30_000 })
      .toBe(true);
  });

  await test.step("a 24-hour price event from a pasted column", async () => {
    await openHydrated(page, "/events/new");
    await page.getByLabel("Price schedule (hourly)").check();
    await page.getByLabel("Start (your local time)").fill(await localInput(page, 24 * 60));
    const prices = Array.from({ length: 24 }, (_, h) => (0.1 + h / 100).toFixed(2));
    await page.getByLabel(/Hourly prices/).fill(prices.slice(0, 23).join("\n") + "\nabc");
    await page.getByRole("button", { name: "Create event" }).click();
    await expect(page.getByRole("alert")).toHaveText('hour 24: "abc" is not a number');
    await page.getByLabel(/Hourly prices/).fill(prices.join("\n"));
    await expect(page.getByText("24 hourly values: the event lasts 24 h")).toBeVisible();
    await page.getByRole("button", { name: "Create event" }).click();
    await expect(page.locator('[data-test="signal"]')).toHaveText("ELECTRICITY_PRICE (24 intervals)");
    await expect(page.getByText(prices.map(Number).join(", "))).toBeVisible();
  });

  await test.step("the event list filters by status", async () => {
    await openHydrated(page, "/events?status=active");
    await expect(page.locator('[data-test="event-row"]')).toHaveCount(1);
    await openHydrated(page, "/events?status=scheduled");
    await expect(page.locator('[data-test="event-row"]')).toHaveCount(1);
    await expect(page.locator('[data-test="event-row"]')).toContainText("ELECTRICITY_PRICE");
    await screenshot(page, "events");
    await openHydrated(page, eventUrl);
    await page.getByRole("button", { name: "Cancel event" }).click();
    await expect(page.locator('[data-test="event-status"]')).toHaveText("cancelled");
    await expect
      .poll(() => venLog().some((e) => e.kind === "event" && e.status === "cancelled"), { timeout: 30_000 })
      .toBe(true);
  });

  await test.step("the overview shows the customer's site online and the upcoming event", async () => {
    await page.getByRole("link", { name: "Overview" }).click();
    await expect(page.locator('[data-test="customer-card"]')).toContainText("Acme Cold Storage");
    await expect(page.locator('[data-test="customer-card"] .badge-online')).toBeVisible();
    await expect(page.locator('[data-test="customer-card"] [data-test="site-counts"]')).toHaveText("1 of 1 online");
    await expect(page.locator('[data-test="event-row"]')).toHaveCount(1);
    await screenshot(page, "overview");
    await openHydrated(page, "/customers");
    await screenshot(page, "customers");
    await openHydrated(page, customerUrl);
    await screenshot(page, "customer");
    await openHydrated(page, siteUrl);
    const newest = page.locator('[data-test="log-entry"]').first();
    await newest.locator("summary").click();
    await expect(newest.getByRole("heading", { name: "VEN sent" })).toBeVisible();
    await expect(newest.locator("pre").first()).toContainText("oadr");
    await screenshot(page, "site-log");
    await openHydrated(page, "/audit");
    const audit = page.locator('[data-test="audit"]');
    await expect(audit).toContainText("event.create");
    await expect(audit).toContainText("event.cancel");
    await expect(audit).toContainText("user:admin");
    await expect(audit).toContainText("ven.register");
    await screenshot(page, "audit");
    await openHydrated(page, "/events/new");
    await page.getByLabel("Price schedule (hourly)").check();
    await page.getByLabel(/Hourly prices/).fill("0.12\n0.11\n0.15");
    await screenshot(page, "new-event");
  });
});

test("a viewer can look but not change anything, even calling the server directly", async ({ page }) => {
  await signIn(page, "viewer", viewerPassword);
  await expect(page.getByRole("link", { name: "Add Customer" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "DR programs" })).toHaveCount(0);
  await openHydrated(page, "/events");
  await expect(page.getByRole("link", { name: "Add DR Event" })).toHaveCount(0);
  await page.locator('[data-test="event-row"] a').first().click();
  await expect(page.locator('[data-test="signal"]')).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel event" })).toHaveCount(0);

  const refused = await page.request.post("/api/save_customer", {
    data: { id: null, form: { name: "Sneaky", contact: "", notes: "" } },
    headers: { Origin: baseURL },
  });
  expect(refused.status()).toBe(403);
  const crossSite = await page.request.post("/api/customers", { headers: { Origin: "https://evil.example" } });
  expect(crossSite.status()).toBe(403);
  await openHydrated(page, "/customers");
  await expect(page.getByRole("link", { name: "Acme Cold Storage" })).toBeVisible();
  await expect(page.getByText("Sneaky")).toHaveCount(0);

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test("the customers list pages through many customers", async ({ page }) => {
  await signIn(page, "admin", adminPassword);
  for (let i = 0; i < 50; i++) {
    const saved = await page.request.post("/api/save_customer", {
      data: { id: null, form: { name: `Zz Bulk ${String(i).padStart(2, "0")}`, contact: "", notes: "" } },
      headers: { Origin: baseURL },
    });
    expect(saved.status()).toBe(200);
  }
  await openHydrated(page, "/customers");
  const pager = page.getByRole("navigation", { name: "Pages" });
  await expect(pager).toContainText("page 1 of 2");
  await expect(page.getByRole("link", { name: "Acme Cold Storage" })).toBeVisible();
  await pager.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/\/customers\?page=1$/);
  await expect(pager).toContainText("page 2 of 2");
  await expect(page.getByRole("link", { name: "Zz Bulk 49" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Acme Cold Storage" })).toHaveCount(0);
  await pager.getByRole("link", { name: "Previous" }).click();
  await expect(page.getByRole("link", { name: "Acme Cold Storage" })).toBeVisible();

  // The overview shows its customer cards 24 at a time: 51 customers, 3 pages.
  await openHydrated(page, "/?page=2");
  const cards = page.locator('[data-test="customer-card"]');
  await expect(pager).toContainText("Customers: 51 · page 3 of 3");
  await expect(cards).toHaveCount(3);
  await expect(cards.last()).toContainText("Zz Bulk 49");
  await expect(cards.last()).toContainText("No sites yet.");
  await pager.getByRole("link", { name: "Previous" }).click();
  await expect(page).toHaveURL(/\/\?page=1$/);
  await expect(cards).toHaveCount(24);
  await expect(page.getByRole("link", { name: "Zz Bulk 49" })).toHaveCount(0);
});
