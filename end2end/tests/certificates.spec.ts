import { expect, test } from "@playwright/test";
import { X509Certificate, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
import { adminPassword, openHydrated, problems, screenshot, signIn, tallViewport, viewerPassword, watch } from "./common";

const work = process.env.VTN_E2E_WORK ?? "";
const baseURL = process.env.VTN_E2E_URL ?? "";

test.beforeEach(async ({ page }) => watch(page));
test.afterEach(async ({ page }) => expect(problems(page)).toEqual([]));
test.describe.configure({ mode: "serial" });
test.use({ viewport: tallViewport });

// GET /whoami over mTLS with a VEN's files, as the VEN would connect: the
// fingerprint the VTN sees, or the connection's error.
function whoami(cert: string, key: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${baseURL}/whoami`,
      { cert, key, ca: readFileSync(`${work}/pki/server-ca.pem`), agent: false },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve(JSON.parse(body).fingerprint));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function fingerprintOf(pem: string): string {
  const digest = createHash("sha256").update(new X509Certificate(pem).raw).digest();
  return [...digest.subarray(digest.length - 10)].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(":");
}

test("an admin issues a VEN certificate, the VEN connects with it, and a revoked one is refused", async ({ page }) => {
  await signIn(page, "admin", adminPassword);
  await page.getByRole("link", { name: "Certificates" }).click();
  await expect(page.getByRole("heading", { name: "VEN certificates" })).toBeVisible();
  await expect(page.locator('[data-test="ven-ca"]')).toContainText("development VEN CA");
  await expect(page.getByText("No certificates issued yet")).toBeVisible();

  await page.getByRole("button", { name: "Issue certificate" }).click();
  await expect(page.getByRole("alert").first()).toHaveText("choose the site whose VEN gets the certificate");
  // Sites are found by name, not listed whole.
  const find = page.getByLabel("Find by name");
  await find.fill("no such site");
  await expect(page.getByLabel("Site").locator("option")).toHaveCount(1);
  await find.fill("DEMO");
  await expect(page.getByLabel("Site").locator("option")).toHaveText(["Choose a site…", "Demo site"]);
  await page.getByLabel("Site").selectOption({ label: "Demo site" });
  await page.getByRole("button", { name: "Issue certificate" }).click();
  const issued = page.locator('[data-test="issued"]');
  await expect(issued).toContainText("Certificate issued for demo-ven");
  const shown = (await page.locator('[data-test="issued-fingerprint"]').textContent()) ?? "";
  await screenshot(page, "certificates");

  const download = async (name: RegExp) => {
    const [file] = await Promise.all([page.waitForEvent("download"), issued.getByRole("link", { name }).click()]);
    return readFileSync(await file.path(), "utf8");
  };
  const key = await download(/private key/);
  const cert = await download(/\(certificate\)/);
  const chain = await download(/with the CA/);
  expect(key).toContain("BEGIN PRIVATE KEY");
  expect(chain).toBe(cert + readFileSync(`${work}/pki/ven-ca.pem`, "utf8"));
  expect(fingerprintOf(cert)).toBe(shown);

  // The VEN connects with what was downloaded; the site is bound to it.
  expect(await whoami(cert, key)).toBe(shown);
  await page.getByRole("button", { name: "Done, I have the files" }).click();
  await expect(issued).toHaveCount(0);
  const row = page.locator('[data-test="certificate-row"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("demo-ven");
  await expect(row.locator(".badge")).toHaveText("active");
  await row.getByRole("link", { name: "Demo site" }).click();
  await expect(page.getByText(shown)).toBeVisible();

  // The key is not kept: after a reload there is nothing to download.
  await openHydrated(page, "/certificates");
  await expect(page.locator('a[download$=".key"]')).toHaveCount(0);

  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Keep" }).click();
  await expect(row.locator(".badge")).toHaveText("active");
  await row.getByRole("button", { name: "Revoke" }).click();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.locator(".badge")).toHaveText("revoked");
  await expect(row.getByRole("button", { name: "Revoke" })).toHaveCount(0);
  await expect(whoami(cert, key)).rejects.toThrow();

  await openHydrated(page, "/audit");
  await expect(page.locator('[data-test="audit"]')).toContainText("certificate.revoke");
  await expect(page.locator('[data-test="audit"]')).toContainText("certificate.issue");
});

test("replacing the VEN CA must be confirmed, and a bad pair is refused with a reason", async ({ page }) => {
  await signIn(page, "admin", adminPassword);
  await openHydrated(page, "/certificates");
  const setup = page.locator('[data-test="ca-setup"]');
  await setup.getByText("Replace the VEN CA").click();
  const importButton = setup.getByRole("button", { name: "Import" });
  await expect(importButton).toBeDisabled();
  await expect(setup.getByRole("button", { name: "Initialise" })).toBeDisabled();
  await setup.getByLabel(/Replace the current CA/).check();
  await setup.getByLabel("CA certificate (PEM)").fill(readFileSync(`${work}/pki/ven-ca.pem`, "utf8"));
  await setup.getByLabel(/CA private key/).fill(readFileSync(`${work}/pki/server-ca.key`, "utf8"));
  await importButton.click();
  await expect(setup.getByRole("alert").last()).toContainText("does not belong to the CA certificate");
  await expect(page.locator('[data-test="ven-ca"]')).toContainText("development VEN CA");
  await screenshot(page, "ven-ca-setup");
});

test("only admins see certificates, and the server refuses anyone else", async ({ page }) => {
  await signIn(page, "viewer", viewerPassword);
  await expect(page.getByRole("link", { name: "Certificates" })).toHaveCount(0);
  const issue = await page.request.post("/api/issue_certificate", {
    form: { site_id: "1", key_type: "ecdsa-p256" },
    headers: { Origin: baseURL },
  });
  expect(issue.status()).toBe(403);
  const list = await page.request.post("/api/certificates", { form: { page: "0" }, headers: { Origin: baseURL } });
  expect(list.status()).toBe(403);
});
