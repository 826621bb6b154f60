import { expect, test } from "@playwright/test";

test("a job page for an id that is no job's says so at once, and leads back to the jobs", async ({ page }) => {
  for (const id of ["garbage-id", "7f0b2c1e-0000-4000-8000-000000000001"]) {
    await page.goto(`/jobs/${id}`);
    const notice = page.getByRole("main").getByRole("alert");
    await expect(notice).toContainText(`Job ${id} does not exist`);
    await expect(page.getByText("reconnecting")).toHaveCount(0);
    await notice.getByRole("link", { name: "All jobs" }).click();
    await expect(page).toHaveURL(/\/jobs$/);
  }
});
