// Time in conversations, in the agent console (Chromium through playwright-core) against the
// real stack: scheduled messages (send later, edit, cancel) and the response-time SLA's badges.
// A stack of its own, because its clocks are short (the SLA falls due in seconds), which would
// disturb the scenarios of console.browser.ts. The page runs in a time zone with a half-hour
// offset, far from the server's UTC, so a wrong local-time conversion cannot pass unnoticed.
// Every wait is on a condition (a locator, the emulator's record, a stored row), never a sleep.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { newCustomerNumber } from '../support/stack.ts';
import { waitFor } from '../support/wait-for.ts';
import { launchChromium, newAgentContext, screenshot, seriousAccessibilityViolations, signIn } from './support/browser.ts';
import { startConsoleStack, type ConsoleAgent, type ConsoleStack } from './support/console-stack.ts';
import { scenarios, warmUp } from './support/suite.ts';

/**
 * Long enough for the page to show the wait before the breach (so the breach is seen arriving
 * live), short enough for a test.
 */
const SLA_SECONDS = 8;
const DELIVERED_WITHIN_MS = 20_000;
const TIME_ZONE = 'America/St_Johns';

let stack: ConsoleStack;
let browser: Browser;
let ada: ConsoleAgent;
let page: Page;
const { scenario, failed } = scenarios();
const dialogs: string[] = [];
/** The customer Ada writes to first, then schedules messages for. */
const customer = newCustomerNumber();

beforeAll(async () => {
  stack = await startConsoleStack({
    settings: {
      SLA_FIRST_REPLY_SECONDS: String(SLA_SECONDS),
      SLA_FOLLOW_UP_SECONDS: String(SLA_SECONDS),
      AUTO_CLOSE_AFTER_SECONDS: '3600',
      SCHEDULED_SEND_HORIZON_DAYS: '2',
      BUSINESS_HOURS: '',
    },
  });
  browser = await launchChromium();
  ada = await stack.createAgent('Ada Lovelace');
  await warmUp(stack);
  ({ page } = await newAgentContext(browser, { timezoneId: TIME_ZONE }));
  page.on('dialog', (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())));
  await signIn(page, stack.baseUrl, ada);
  await page.locator('[data-testid="live-status"][data-status="online"]').waitFor();
  // Set once: still there at the end means the page was never reloaded.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop({ keepLogs: failed() });
});

const queueRow = (text: string) => page.locator('li.queue-row', { hasText: text });
const threadMessage = (text: string) => page.locator('[data-testid="thread"] .message', { hasText: text });
const sentTo = (number: string) => stack.emulator.messages().filter((message) => message.to === number);

async function expectNotReloaded(): Promise<void> {
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
}

/** A moment `fromNowMs` ahead (whole seconds) as the page's datetime-local input takes it, in the page's own clock and zone. */
function localInput(fromNowMs: number): Promise<{ value: string; at: number }> {
  return page.evaluate((ms) => {
    const date = new Date(Date.now() + ms);
    date.setMilliseconds(0);
    const pad = (n: number) => String(n).padStart(2, '0');
    const value = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
    return { value, at: date.getTime() };
  }, fromNowMs);
}

async function openConversation(text: string, title: string): Promise<void> {
  await queueRow(text).getByRole('link').click();
  await page.locator('#conversation-title', { hasText: title }).waitFor();
}

describe('time in conversations, in the console', () => {
  scenario('a customer waits past the response-time target: the SLA badge shows in the conversation and in the queue, without reload', async () => {
    const waiting = newCustomerNumber();
    await stack.text(waiting, 'Where is my refund? Nobody has answered me');
    await queueRow(waiting).waitFor({ timeout: 10_000 });
    await openConversation(waiting, waiting);
    // Before the breach: how long, and by when an answer is due.
    await page.getByTestId('waiting').filter({ hasText: /^Waiting under a minute · reply due by \d/ }).waitFor();
    expect(await page.getByTestId('sla-breached').count()).toBe(0);
    await screenshot(page, '20-sla-waiting');

    // The breach arrives on the live stream: the header, the queue row and the thread follow.
    await page.getByTestId('sla-breached').waitFor({ timeout: (SLA_SECONDS + 10) * 1000 });
    expect(await page.getByTestId('sla-breached').textContent()).toMatch(/^SLA breached \(due \d/);
    await queueRow(waiting).getByTestId('sla-flag').waitFor({ timeout: 5_000 });
    expect(await queueRow(waiting).locator('.waiting').textContent()).toMatch(/^Waiting .+SLA breached$/);
    await page.getByTestId('attention').filter({ hasText: /Needs attention: waiting \d+ (s|min)/ }).waitFor();
    await page.locator('[data-testid="thread"] .event', { hasText: /SLA breached: the customer has been waiting \d+ (s|min)/ }).waitFor();
    await expectNotReloaded();
    await screenshot(page, '21-sla-breached');
  });

  scenario('Send later: a time in the past is refused with the server’s words; a future one is listed as scheduled with its time and author', async () => {
    const first = 'Hello from the support team: we are looking into your refund.';
    await page.getByRole('button', { name: 'New conversation' }).click();
    await page.getByLabel(/Customer number/).fill(customer);
    await page.getByLabel('First message').fill(first);
    await page.getByRole('button', { name: 'Send and open' }).click();
    await page.locator('#conversation-title', { hasText: customer }).waitFor();
    await threadMessage(first).locator('[data-status="delivered"]').waitFor({ timeout: DELIVERED_WITHIN_MS });
    // Nobody waits: the conversation would close itself after an hour of quiet.
    await page.getByTestId('auto-close').filter({ hasText: /^Closes itself at \d/ }).waitFor();

    const text = 'Your refund was approved today.';
    await page.locator('#reply').fill(text);
    await page.getByRole('button', { name: 'Send later…' }).click();
    const sendAt = page.getByLabel(/^Send at \(your time: America\/St_Johns, UTC-0[23]:30\)/);
    await expect.poll(() => sendAt.evaluate((element) => element === document.activeElement)).toBe(true);

    await sendAt.fill((await localInput(-3_600_000)).value);
    await page.getByRole('button', { name: 'Schedule', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Not scheduled: the time is in the past' }).waitFor();
    await screenshot(page, '22-send-later-refused');
    expect(await page.locator('#reply').inputValue()).toBe(text);

    // Enter in the time field schedules (it never sends now).
    const later = await localInput(60_000);
    await sendAt.fill(later.value);
    await sendAt.press('Enter');
    const scheduled = threadMessage(text);
    await scheduled.locator('[data-testid="delivery-status"][data-status="scheduled"]').waitFor();
    await scheduled.getByText('Ada Lovelace').waitFor();
    await scheduled.getByTestId('send-at').filter({ hasText: /^Scheduled for \d{1,2}:\d{2}(:\d{2})?( [AP]M)? \(in (under a minute|1 min)\)$/ }).waitFor();
    // The page's local time reached the server as the same instant (the browser's offset applied).
    expect(Date.parse((await scheduled.locator('[data-testid="send-at"] time').getAttribute('datetime'))!)).toBe(later.at);
    const stored = await stack.db.message.findFirstOrThrow({ where: { body: text } });
    expect(stored).toMatchObject({ status: 'scheduled' });
    expect(stored.sendAt?.getTime()).toBe(later.at);
    expect(await page.locator('#reply').inputValue()).toBe('');
    await page.getByRole('status').filter({ hasText: /^Scheduled for / }).waitFor();
    expect(sentTo(customer).map((message) => message.body)).toEqual([first]);
  });

  scenario('Ada edits its text and time in place; it leaves at the new time and shows delivered without reload; the emulator got the edited text once', async () => {
    const original = 'Your refund was approved today.';
    const edited = 'Your refund was approved today: expect it within 3 working days.';
    const message = threadMessage(original);
    const messageId = await message.getAttribute('data-message-id');
    await message.getByRole('button', { name: 'Edit' }).click();
    const body = page.getByLabel('Scheduled text');
    await expect.poll(() => body.evaluate((element) => element === document.activeElement)).toBe(true);
    await body.fill(edited);
    const soon = await localInput(6_000);
    await page.getByLabel(/^Send at \(your time/).fill(soon.value);
    await screenshot(page, '23-scheduled-editing');
    await page.getByRole('button', { name: 'Save changes' }).click();

    const same = page.locator(`[data-message-id="${messageId}"]`);
    await same.locator('.body', { hasText: edited }).waitFor();
    await same.locator('[data-testid="delivery-status"][data-status="delivered"]').waitFor({ timeout: DELIVERED_WITHIN_MS });
    await same.getByText(/scheduled for \d{1,2}:\d{2}/).waitFor();
    await expectNotReloaded();
    await screenshot(page, '24-scheduled-edited-delivered');
    const texts = sentTo(customer).map((sent) => sent.body);
    expect(texts.filter((sent) => sent === edited)).toHaveLength(1);
    expect(texts).not.toContain(original);
  });

  scenario('cancelling another scheduled message asks first, shows who cancelled it, and nothing reaches the emulator; axe passes with a scheduled message shown', async () => {
    const text = 'Reminder: your appointment is tomorrow at 10:00.';
    // By keyboard: type, Tab to "Send later…", Enter, the time, Enter.
    await page.locator('#reply').fill(text);
    await page.locator('#reply').focus();
    for (let tabs = 0; tabs < 10 && !(await page.getByRole('button', { name: 'Send later…' }).evaluate((element) => element === document.activeElement)); tabs++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByLabel(/^Send at \(your time/).fill((await localInput(2 * 3_600_000)).value);
    await page.keyboard.press('Enter');
    const message = threadMessage(text);
    await message.getByTestId('send-at').filter({ hasText: /\(in 2 h\)$/ }).waitFor();
    // The header counts it; nothing closes a conversation by inactivity while a message waits in it.
    await page.getByTestId('next-scheduled').filter({ hasText: /^1 message scheduled, next at \d/ }).waitFor();
    await page.getByTestId('auto-close').waitFor({ state: 'detached' });
    // The queue's last message is what was said, not what waits to be said.
    expect(await queueRow(customer).locator('.last-message', { hasText: text }).count()).toBe(0);
    expect(await seriousAccessibilityViolations(page), 'axe on the conversation with a scheduled message').toEqual([]);
    await screenshot(page, '25-scheduled-message');

    await message.getByRole('button', { name: 'Cancel message' }).click();
    const keep = message.getByRole('button', { name: 'Keep it' });
    // Focus moves to "Keep it" once the confirmation has rendered (an effect, after the click).
    await expect.poll(() => keep.evaluate((element) => element === document.activeElement)).toBe(true);
    await screenshot(page, '26-cancel-confirm');
    await message.getByRole('button', { name: 'Yes, cancel it' }).click();
    await message.locator('[data-testid="delivery-status"][data-status="canceled"]', { hasText: /^Not sent: Canceled by Ada Lovelace \(was scheduled for / }).waitFor();
    expect(await message.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await queueRow(customer).locator('.last-message', { hasText: text }).count()).toBe(0);
    await page.getByTestId('next-scheduled').waitFor({ state: 'detached' });
    expect((await stack.db.message.findFirstOrThrow({ where: { body: text } })).status).toBe('canceled');
    expect(stack.emulator.messages().some((sent) => sent.body === text)).toBe(false);
    expect(dialogs).toEqual([]);
    await screenshot(page, '27-scheduled-canceled');
  });
});
