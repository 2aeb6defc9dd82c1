import { expect, type Page } from "@playwright/test";

export const adminPassword = process.env.VTN_E2E_PASSWORD ?? "";
export const viewerPassword = process.env.VTN_E2E_VIEWER_PASSWORD ?? "";

type Watched = Page & { problems?: string[] };

// Any console error or uncaught exception (e.g. a hydration mismatch) fails the
// test. The browser's own note on an HTTP error status is not the app's error:
// a refused sign-in is answered 400 on purpose.
export function watch(page: Page) {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource"))
      problems.push(`console error: ${message.text()}`);
  });
  (page as Watched).problems = problems;
}

export function problems(page: Page): string[] {
  return (page as Watched).problems ?? [];
}

export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator(".app")).toHaveAttribute("data-hydrated", "true");
}

export async function signIn(page: Page, username: string, password: string) {
  await openHydrated(page, "/login");
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Signed in as")).toContainText(username);
}

// Screenshots of the main screens, kept as test artifacts. Not full-page: that
// resizes the viewport for the shot, and a click right after can miss. Tests
// that take screenshots use a tall viewport instead.
export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png` });
}

export const tallViewport = { width: 1280, height: 2000 };
