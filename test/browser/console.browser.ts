// The agent console in a real browser (Debian's Chromium, through playwright-core) against the
// real stack: API and worker processes, Temporal, PostgreSQL and the Twilio emulator. The
// scenarios run in order on one stack, as a shift would: each builds on what the last left.
// Every wait is on a condition (a locator, the emulator's record), never a fixed sleep.
import { performance } from 'node:perf_hooks';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { requestJson } from '../support/http.ts';
import { BUSINESS_NUMBER, newCustomerNumber, newMessageSid } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';
import { launchChromium, newAgentContext, screenshot, seriousAccessibilityViolations, signIn } from './support/browser.ts';
import { startConsoleStack, type ConsoleAgent, type ConsoleStack } from './support/console-stack.ts';
import { scenarios, warmUp } from './support/suite.ts';

/** The promise: new conversations and texts show within a second, without reload. */
const LIVE_WITHIN_MS = 1_000;
/** Twilio's (emulated) callbacks come 10 ms apart; the worker records each. */
const DELIVERED_WITHIN_MS = 15_000;
/** The API process starts again (tsx, migrations check) and the page reconnects on its own. */
const RECONNECT_WITHIN_MS = 60_000;

const CANNED = { shortcut: 'thanks', title: 'Thanks for waiting', body: 'Thanks for waiting. I am looking into your order now.' };
const XSS = '<img src=x onerror=alert(1)>';

let stack: ConsoleStack;
let browser: Browser;
let ada: ConsoleAgent;
let grace: ConsoleAgent;
let adaPage: Page;
let gracePage: Page;
const { scenario, failed } = scenarios();
const dialogs: string[] = [];
/** The customer whose conversation Ada takes and answers. */
const parcelCustomer = newCustomerNumber();

beforeAll(async () => {
  stack = await startConsoleStack();
  browser = await launchChromium();
  ada = await stack.createAgent('Ada Lovelace');
  grace = await stack.createAgent('Grace Hopper');
  const created = await requestJson(stack.baseUrl, 'POST', '/api/canned-replies', { token: stack.adminToken, body: { ...CANNED, shared: true } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await warmUp(stack);
  ({ page: adaPage } = await newAgentContext(browser));
  ({ page: gracePage } = await newAgentContext(browser));
  for (const page of [adaPage, gracePage]) page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop({ keepLogs: failed() });
});

const queueRow = (page: Page, customer: string) => page.locator('li.queue-row', { hasText: customer });
const threadMessage = (page: Page, text: string) => page.locator('[data-testid="thread"] .message', { hasText: text });
const sentTo = (customer: string) => stack.emulator.messages().filter((message) => message.to === customer);

async function expectAccessible(page: Page, screen: string): Promise<void> {
  expect(await seriousAccessibilityViolations(page), `axe on the ${screen} screen`).toEqual([]);
}

/** Presses Tab until `target` has the focus (bounded), as a keyboard user reaches it. */
async function tabTo(page: Page, target: Locator, maxTabs = 40): Promise<void> {
  for (let tabs = 0; tabs < maxTabs; tabs++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${maxTabs} presses of Tab never reached ${target}`);
}

/** The outline style of the focused element (the page draws focus as an outline). */
function focusOutline(page: Page): Promise<string> {
  return page.evaluate(() => (document.activeElement ? getComputedStyle(document.activeElement).outlineStyle : 'none'));
}

async function openConversation(page: Page, customer: string): Promise<void> {
  await queueRow(page, customer).getByRole('link').click();
  await page.locator('#conversation-title', { hasText: customer }).waitFor();
}

describe('the agent console in Chromium', () => {
  scenario('GET / leads to the sign-in page; a wrong password gets a clear message; the page passes axe', async () => {
    await adaPage.goto(stack.baseUrl + '/');
    expect(new URL(adaPage.url()).pathname).toBe('/sms');
    await adaPage.getByRole('heading', { name: 'Sign in to the SMS console' }).waitFor();
    await expectAccessible(adaPage, 'sign-in');
    await screenshot(adaPage, '01-sign-in');

    await adaPage.getByLabel('Email').fill(ada.email);
    await adaPage.getByLabel('Password').fill('not the password at all');
    await adaPage.getByRole('button', { name: 'Sign in' }).click();
    await adaPage.getByRole('alert').filter({ hasText: 'The email or password is wrong.' }).waitFor();
    await screenshot(adaPage, '02-sign-in-wrong-password');

    await signIn(adaPage, stack.baseUrl, ada);
    await adaPage.locator('[data-testid="live-status"][data-status="online"]').waitFor();
    // The session lives in a cookie scripts cannot read, sent only to us, that expires.
    const [cookie] = (await adaPage.context().cookies()).filter((candidate) => candidate.name === 'sms_session');
    expect(cookie).toMatchObject({ httpOnly: true });
    expect(['Strict', 'Lax']).toContain(cookie!.sameSite);
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);
    expect(await adaPage.evaluate(() => document.cookie)).not.toContain('sms_session');
  });

  scenario('a customer texts and the conversation appears in the queue within a second, without reload', async () => {
    await stack.text(parcelCustomer, 'Hi, my parcel never arrived');
    const answeredAt = performance.now();
    // Waited for longer than the promise, so a miss reports by how much.
    await queueRow(adaPage, parcelCustomer).waitFor({ timeout: 10_000 });
    const shownAfterMs = Math.round(performance.now() - answeredAt);
    console.info(`queue row shown ${shownAfterMs} ms after the webhook was answered`);
    expect(shownAfterMs, 'ms from the webhook answer to the row in the queue').toBeLessThanOrEqual(LIVE_WITHIN_MS);
    const row = queueRow(adaPage, parcelCustomer);
    await row.getByText('Hi, my parcel never arrived').waitFor();
    await row.getByText('Unassigned').waitFor();
    await row.getByText(/^Waiting /).waitFor();
    expect(await row.locator('.unread').textContent()).toBe('1');
    await expectAccessible(adaPage, 'queue');
    await screenshot(adaPage, '03-queue');
  });

  scenario('Ada takes it and replies with a canned reply (/shortcut); the status reaches delivered; Grace, in a second browser, sees it taken and cannot reply', async () => {
    // Grace has the conversation open first, so she sees Ada take it live. She uses the
    // keyboard alone: typing, Tab and Enter, with the focus visible wherever it lands.
    await gracePage.goto(`${stack.baseUrl}/sms`);
    await gracePage.locator('#email:focus').waitFor();
    await gracePage.keyboard.type(grace.email);
    await gracePage.keyboard.press('Tab');
    await gracePage.keyboard.type(grace.password);
    await gracePage.keyboard.press('Enter');
    await gracePage.getByText(`Signed in as ${grace.name}`).waitFor();
    await tabTo(gracePage, queueRow(gracePage, parcelCustomer).getByRole('link'));
    expect(await focusOutline(gracePage), 'a visible focus ring on the queue row').not.toBe('none');
    await gracePage.keyboard.press('Enter');
    await gracePage.locator('#conversation-title', { hasText: parcelCustomer }).waitFor();
    await gracePage.locator('#reply:not([disabled])').waitFor();

    await openConversation(adaPage, parcelCustomer);
    await adaPage.getByRole('button', { name: 'Assign to me', exact: true }).click();
    await adaPage.locator('[data-testid="owner"]', { hasText: 'Owner: You' }).waitFor();

    const reply = adaPage.locator('#reply');
    await reply.click();
    await reply.pressSequentially('/than');
    await adaPage.locator('#shortcut-suggestions', { hasText: '/thanks' }).waitFor();
    await reply.press('Enter');
    expect(await reply.inputValue()).toBe(CANNED.body);
    await adaPage.getByTestId('body-meter').filter({ hasText: `${CANNED.body.length}/1600 characters · 1 segment (max 11) · GSM-7` }).waitFor();
    await adaPage.getByRole('button', { name: 'Send reply' }).click();

    const sent = threadMessage(adaPage, CANNED.body);
    await sent.getByText('Ada Lovelace').waitFor();
    await sent.locator('[data-testid="delivery-status"][data-status="delivered"]').waitFor({ timeout: DELIVERED_WITHIN_MS });
    expect(sentTo(parcelCustomer).map((message) => message.body)).toEqual([CANNED.body]);
    // Answered seconds after the text: said as such, not rounded up to a minute.
    await adaPage.getByText('Answered by Ada Lovelace within a minute').waitFor();
    await expectAccessible(adaPage, 'conversation');
    await screenshot(adaPage, '04-conversation-delivered');

    // Grace's page followed along: the owner, the disabled actions and their reasons.
    await gracePage.locator('[data-testid="owner"]', { hasText: 'Owner: Ada Lovelace' }).waitFor();
    await gracePage.locator('#reply[disabled]').waitFor();
    await gracePage.getByTestId('reply-why').filter({ hasText: 'Ada Lovelace has this conversation' }).waitFor();
    expect(await gracePage.getByRole('button', { name: 'Assign to me', exact: true }).isDisabled()).toBe(true);
    expect(await gracePage.getByRole('button', { name: 'Close', exact: true }).isDisabled()).toBe(true);
    expect(await gracePage.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
    await threadMessage(gracePage, CANNED.body).locator('[data-status="delivered"]').waitFor();
    await screenshot(gracePage, '05-second-agent-sees-it-taken');
  });

  scenario('an internal note shows in the thread and is not sent to Twilio', async () => {
    const note = 'Customer sounds upset; call back before 5pm';
    await adaPage.getByRole('button', { name: 'Internal note' }).click();
    await adaPage.getByLabel(/Internal note/).fill(note);
    await adaPage.getByRole('button', { name: 'Add note' }).click();
    const shown = adaPage.locator('[data-testid="thread"] .note', { hasText: note });
    await shown.getByText('not sent to the customer').waitFor();
    await gracePage.locator('[data-testid="thread"] .note', { hasText: note }).waitFor();
    // The note is stored (the thread shows it from the API); still only the one reply went out.
    expect(sentTo(parcelCustomer).map((message) => message.body)).toEqual([CANNED.body]);
    expect(stack.emulator.messages().some((message) => message.body.includes(note))).toBe(false);
    await screenshot(adaPage, '06-internal-note');
    await adaPage.getByRole('button', { name: 'Reply', exact: true }).click();
  });

  scenario('the reply box counts characters and segments as Twilio does and refuses what Twilio would refuse', async () => {
    const reply = adaPage.locator('#reply');
    const meter = adaPage.getByTestId('body-meter');
    const send = adaPage.getByRole('button', { name: 'Send reply' });
    await reply.fill('😀'.repeat(10));
    await meter.filter({ hasText: '20/1600 characters · 1 segment (max 11) · UCS-2' }).waitFor();
    expect(await send.isEnabled()).toBe(true);
    await reply.fill('a'.repeat(161));
    await meter.filter({ hasText: '161/1600 characters · 2 segments (max 11) · GSM-7' }).waitFor();
    await reply.fill('a'.repeat(1601));
    await adaPage.getByRole('alert').filter({ hasText: 'Cannot send: The message body is 1601 characters' }).waitFor();
    expect(await send.isDisabled()).toBe(true);
    await reply.fill('é'.repeat(10) + '😀'.repeat(400));
    await adaPage.getByRole('alert').filter({ hasText: /Cannot send: The message would go out as 13 UCS-2 segments/ }).waitFor();
    expect(await send.isDisabled()).toBe(true);
    await screenshot(adaPage, '06-reply-refused');
    await reply.fill('');
  });

  scenario('Ada names the customer; the queue shows the name, and search finds the conversation by name and by text', async () => {
    await adaPage.getByRole('button', { name: 'Add name' }).click();
    await adaPage.getByLabel('Customer name').fill('Jane Doe');
    await adaPage.getByRole('button', { name: 'Save name' }).click();
    await adaPage.locator('#conversation-title', { hasText: 'Jane Doe' }).waitFor();
    await queueRow(adaPage, 'Jane Doe').waitFor();

    const search = adaPage.getByLabel('Search by number, name or message text');
    for (const term of ['Jane', 'parcel never']) {
      await search.fill(term);
      await adaPage.locator('[data-testid="queue-list"]').waitFor();
      await waitFor(`only Jane's conversation listed for "${term}"`, async () => {
        const rows = await adaPage.locator('li.queue-row').allTextContents();
        return rows.length === 1 && rows[0]!.includes('Jane Doe');
      }, 10_000, 100);
    }
    await search.fill('no conversation says this');
    await adaPage.getByText('No conversation matches.').waitFor();
    await search.fill('');
    await queueRow(adaPage, 'warming up').waitFor();
  });

  scenario('a customer text of <img src=x onerror=alert(1)> shows as text and runs nothing', async () => {
    const customer = newCustomerNumber();
    await stack.text(customer, XSS);
    await queueRow(adaPage, customer).locator('.last-message', { hasText: XSS }).waitFor();
    await openConversation(adaPage, customer);
    const body = threadMessage(adaPage, XSS).locator('.body');
    expect(await body.textContent()).toBe(XSS);
    expect(await adaPage.locator('img[src="x"]').count()).toBe(0);
    expect(await body.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await screenshot(adaPage, '07-markup-as-text');
  });

  scenario("a customer's photo shows inline, fetched through the API with our Twilio credentials", async () => {
    const customer = newCustomerNumber();
    const messageSid = newMessageSid();
    const caption = 'Here is a photo of the damage';
    const answer = await stack.emulator.sendInbound({ from: customer, to: BUSINESS_NUMBER, body: caption, messageSid, mediaUrls: [stack.emulator.mediaUrl()] });
    expect(answer.status).toBe(200);
    await queueRow(adaPage, customer).waitFor();
    await openConversation(adaPage, customer);
    const image = threadMessage(adaPage, caption).getByRole('img', { name: 'Attachment 1 from the customer' });
    await image.waitFor();
    await waitFor('the image to load', () => image.evaluate((element) => (element as HTMLImageElement).complete && (element as HTMLImageElement).naturalWidth > 0), 10_000, 100);
    expect(new URL((await image.getAttribute('src'))!, stack.baseUrl).pathname).toMatch(/^\/api\/conversations\/[0-9a-f-]+\/media\/0$/);
    await screenshot(adaPage, '08-media');
  });

  scenario('STOP shows the opted-out banner and no reply box, and nothing reaches the emulator', async () => {
    const customer = newCustomerNumber();
    await stack.text(customer, 'Hello, quick question about my bill');
    await queueRow(adaPage, customer).waitFor();
    await openConversation(adaPage, customer);
    await adaPage.locator('#reply').waitFor();

    await stack.text(customer, 'STOP');
    await adaPage.getByTestId('opted-out-banner').waitFor({ timeout: 10_000 });
    expect(await adaPage.locator('#reply').count()).toBe(0);
    expect(await adaPage.getByRole('button', { name: 'Send reply' }).count()).toBe(0);
    await threadMessage(adaPage, 'STOP').waitFor();
    expect(sentTo(customer)).toEqual([]);
    await screenshot(adaPage, '09-opted-out');
  });

  scenario('the page reconnects after the API restarts and shows what it missed', async () => {
    await openConversation(adaPage, 'Jane Doe');
    await adaPage.locator('[data-testid="live-status"][data-status="online"]').waitFor();
    await stack.killApi();
    await adaPage.getByTestId('offline-banner').waitFor({ timeout: 10_000 });
    await screenshot(adaPage, '10-offline');

    // While the API is down, texts still reach the conversations (through Temporal, as another
    // API replica would hand them over): one for the open conversation, one from a new customer.
    const newcomer = newCustomerNumber();
    await stack.textPastTheApi(parcelCustomer, 'Any news on my parcel?');
    await stack.textPastTheApi(newcomer, 'First time writing to you');
    await waitFor('both texts stored', async () => (await stack.db.message.count({ where: { body: { in: ['Any news on my parcel?', 'First time writing to you'] } } })) === 2, 30_000, 100);

    await stack.startApi();
    await adaPage.locator('[data-testid="live-status"][data-status="online"]', { hasText: 'reconnected' }).waitFor({ timeout: RECONNECT_WITHIN_MS });
    await threadMessage(adaPage, 'Any news on my parcel?').waitFor({ timeout: 10_000 });
    await queueRow(adaPage, newcomer).waitFor({ timeout: 10_000 });
    expect(await adaPage.getByTestId('offline-banner').count()).toBe(0);
    await screenshot(adaPage, '11-reconnected');
  });

  scenario('Ada starts a new conversation with a number from the page', async () => {
    const customer = newCustomerNumber();
    const body = 'Hello from the support team: your replacement ships today.';
    await adaPage.getByRole('button', { name: 'New conversation' }).click();
    await adaPage.getByLabel(/Customer number/).fill(customer);
    await adaPage.getByLabel('First message').fill(body);
    await adaPage.getByRole('button', { name: 'Send and open' }).click();
    await adaPage.locator('#conversation-title', { hasText: customer }).waitFor();
    await adaPage.locator('[data-testid="owner"]', { hasText: 'Owner: You' }).waitFor();
    await threadMessage(adaPage, body).locator('[data-status="delivered"]').waitFor({ timeout: DELIVERED_WITHIN_MS });
    expect(sentTo(customer).map((message) => message.body)).toEqual([body]);
    await screenshot(adaPage, '12-new-conversation');
  });

  scenario('a deactivated agent is signed out on the next request', async () => {
    const deactivated = await requestJson(stack.baseUrl, 'POST', `/api/agents/${grace.id}/deactivate`, { token: stack.adminToken });
    expect(deactivated.status).toBe(200);
    await gracePage.getByRole('button', { name: 'Mine', exact: true }).click();
    await gracePage.getByRole('heading', { name: 'Sign in to the SMS console' }).waitFor({ timeout: 10_000 });
    await gracePage.getByText('Your session has ended. Please sign in again.').waitFor();
  });

  scenario('signing out ends the session', async () => {
    await adaPage.getByRole('button', { name: 'Sign out' }).click();
    await adaPage.getByText('You have signed out.').waitFor();
    const session = await adaPage.evaluate(async () => (await fetch('/api/session')).status);
    expect(session).toBe(401);
  });
});
