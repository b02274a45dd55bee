/**
 * Opens the HTML report in a real headless Chromium (Debian's package): it renders, its
 * charts carry one mark per stage × vantage, it makes no network request, and a hostile
 * stage name is shown as text instead of running. Without Chromium the suite is skipped
 * locally and fails in CI, where the apt package must be installed.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { type BrowserContext, chromium } from 'playwright-core';
import { writeReports } from '../../harness/report/write-reports.ts';
import { removeRunFolders } from './run-folder-fixture.ts';
import { HOSTILE_STAGE, writeSampleRun } from './sample-run.ts';

const CHROMIUM = '/usr/bin/chromium';

describe('HTML report in a browser', function () {
  this.timeout(60_000);
  let browser: BrowserContext | undefined;
  let profileDir: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      if (process.env.CI) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install -y chromium) before running the tests`);
      this.skip();
    }
    profileDir = await mkdtemp(path.join(tmpdir(), 'rb-chromium-'));
    // A fresh profile per run: playwright passes it to Chromium as --user-data-dir.
    browser = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    if (profileDir) await rm(profileDir, { recursive: true, force: true });
    await removeRunFolders();
  });

  it('renders charts, fetches nothing and shows a hostile stage name as text', async () => {
    const runDir = await writeSampleRun();
    const { report } = await writeReports(runDir);
    const page = await browser!.newPage();
    const requests: string[] = [];
    const dialogs: string[] = [];
    const htmlUrl = pathToFileURL(path.join(runDir, 'report.html')).href;
    page.on('request', (request) => {
      if (request.url() !== htmlUrl) requests.push(request.url());
    });
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await page.route('**/*', (route) => (route.request().url() === htmlUrl ? route.continue() : route.abort()));
    await page.goto(htmlUrl, { waitUntil: 'load' });

    expect(await page.title()).to.include('retries-lab');
    expect(await page.locator('svg.chart').count()).to.equal(2);
    const errorMarks = page.locator('#error-rate-chart g.cell-mark');
    expect(await errorMarks.count()).to.equal(report.cells.length);
    expect(await page.locator('#latency-chart g.cell-mark').count()).to.equal(report.cells.length);
    // Cells that ran have a bar; the one that did not says n/a.
    expect(await page.locator('#error-rate-chart rect.bar').count()).to.equal(report.cells.filter((cell) => cell.errorRate.value !== null).length);
    const marked = await errorMarks.evaluateAll((nodes) => nodes.map((node) => `${node.getAttribute('data-stage')}|${node.getAttribute('data-vantage')}`));
    expect(marked).to.have.members(report.cells.map((cell) => `${cell.stage}|${cell.vantage}`));

    expect(await page.locator('table.summary tbody tr').count()).to.equal(report.cells.length + report.missingCells.length);
    expect(await page.locator('table.summary').textContent()).to.include(HOSTILE_STAGE);
    expect(await page.locator('img').count()).to.equal(0);
    expect(await page.locator('script').count()).to.equal(0);
    expect(dialogs).to.deep.equal([]);
    expect(requests).to.deep.equal([]);

    const screenshot = path.join(tmpdir(), 'resilience-bench-report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    await page.close();
  });
});
