import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { expect, test } from "@playwright/test";
import { address, generateKeyPairSigner } from "@solana/kit";
import { JobService } from "../gen/cyxwiz/v1/job_service_pb";
import { PaymentService } from "../gen/cyxwiz/v1/payment_service_pb";
import { escrowAddress } from "../lib/payments/escrow-address";
import { lamportsToSol } from "../lib/payments/sol";
import { mlpDigits } from "../lib/graph/templates/mlp-digits";
import { withJobToken } from "../tests/helpers/clients";
import { SERVER_URL } from "../playwright.config";

test("a job page for an id that is no job's says so at once, and leads back to the jobs", async ({ page }) => {
  for (const id of ["garbage-id", "7f0b2c1e-0000-4000-8000-000000000001"]) {
    await page.goto(`/jobs/${id}`);
    const notice = page.getByRole("main").getByRole("alert");
    await expect(notice).toContainText(`No job ${id} that this browser can see`);
    await expect(page.getByText("reconnecting")).toHaveCount(0);
    await notice.getByRole("link", { name: "All jobs" }).click();
    await expect(page).toHaveURL(/\/jobs$/);
  }
});

test("a job submitted elsewhere is private to its submitter until made public, then anyone's page shows it", async ({ page }) => {
  const jobs = createClient(JobService, createConnectTransport({ baseUrl: SERVER_URL, httpVersion: "1.1" }));
  const { job, jobToken } = await jobs.submitJob({
    config: { name: "someone else's digits", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: mlpDigits.hyperparameters },
  });
  const jobId = job?.id as string;
  try {
    await page.goto(`/jobs/${jobId}`);
    await expect(page.getByRole("main").getByRole("alert")).toContainText(`No job ${jobId} that this browser can see`);
    await page.goto("/jobs");
    await expect(page.getByRole("main")).not.toContainText("someone else's digits");

    await jobs.setJobVisibility({ jobId, public: true }, withJobToken(jobToken));
    await page.goto(`/jobs/${jobId}`);
    await expect(page.getByRole("heading", { name: "someone else's digits" })).toBeVisible();
    // Not this browser's job: it may see it, not change it.
    await expect(page.getByTestId("job-public")).toBeDisabled();
  } finally {
    await jobs.cancelJob({ jobId }, withJobToken(jobToken)).catch(() => undefined);
  }
});

test("a priced job's page shows what it costs, where its deposit goes and until when, before anything is paid", async ({ page }) => {
  const transport = createConnectTransport({ baseUrl: SERVER_URL, httpVersion: "1.1" });
  const jobs = createClient(JobService, transport);
  const info = await createClient(PaymentService, transport).getPaymentInfo({});
  const payer = await generateKeyPairSigner();
  const { job, jobToken } = await jobs.submitJob({
    config: { name: "priced digits", modelDefinition: JSON.stringify(mlpDigits.graph), datasetUri: "dataset:mnist-digits", hyperparameters: mlpDigits.hyperparameters },
    maxPriceLamports: 1_000_000_000n,
    payerAddress: payer.address,
    public: true,
  });
  const jobId = job?.id as string;
  try {
    await page.goto(`/jobs/${jobId}`);
    await expect(page.locator('[data-status="awaiting_payment"]')).toHaveText(/awaiting payment/);
    const panel = page.getByRole("region", { name: "Payment" });
    await expect(panel.getByTestId("price")).toContainText(`${lamportsToSol(job?.payment?.priceLamports ?? 0n)} SOL`);
    // The address the page shows is the one anyone derives from the platform's published key and the job id.
    await expect(panel.getByTestId("escrow-address")).toHaveText(await escrowAddress(address(info.platformAddress), jobId));
    await expect(panel).toContainText(payer.address);
    await expect(panel).toContainText("waiting, until");
    await expect(panel.getByTestId("payment-state")).toHaveText("· awaiting the deposit");
  } finally {
    await jobs.cancelJob({ jobId }, withJobToken(jobToken)).catch(() => undefined);
  }
});
