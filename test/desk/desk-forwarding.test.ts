/**
 * The wire-up as app.ts uses it: settings parsed by the zod rules, Zendesk chosen, tickets
 * forwarded in the background (including ones filed while the app was down), our decisions
 * forwarded, the desk's own decisions not echoed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deskSettingsIssues, deskSettingsShape } from '../../src/desk/connectors/desk-settings-schema.ts';
import { type DeskForwarding, startDeskForwarding } from '../../src/desk/outbox/start-desk-forwarding.ts';
import { type LocalDeskServer, startLocalDesk, ZENDESK_EMAIL, ZENDESK_TOKEN } from '../helpers/local-desk-server.ts';
import { type DeskWorld, openDeskWorld, ticketRequest } from './desk-fixtures.ts';

const settingsSchema = z.object(deskSettingsShape);

describe('desk settings', () => {
  it('parses secrets lists, custom fields and defaults', () => {
    const parsed = settingsSchema.parse({
      DESK_WEBHOOK_SECRET: 'new-secret-0123456789, old-secret-0123456789',
      ZENDESK_CUSTOM_FIELDS: 'sn=360001, merchantNo=360002',
      DESK_TIMEOUT_MS: '5000',
    });
    expect(parsed).toMatchObject({
      DESK_WEBHOOK_SECRET: ['new-secret-0123456789', 'old-secret-0123456789'],
      ZENDESK_CUSTOM_FIELDS: { sn: 360001, merchantNo: 360002 },
      DESK_TIMEOUT_MS: 5000,
      ZENDESK_LOCALE: 'zh-CN',
      OUTBOX_MAX_ATTEMPTS: 12,
    });
  });

  it.each([
    ['DESK_WEBHOOK_SECRET', 'short'],
    ['ZENDESK_CUSTOM_FIELDS', 'shoeSize=1'],
    ['ZENDESK_CUSTOM_FIELDS', 'sn=abc'],
    ['DESK_WEBHOOK_URL', 'ftp://desk.example.com'],
    ['DESK_TIMEOUT_MS', '10'],
  ])('rejects %s=%s', (name, value) => {
    const result = settingsSchema.safeParse({ [name]: value });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([name]);
  });

  it('names settings that only make sense together', () => {
    expect(deskSettingsIssues({ ZENDESK_BASE_URL: 'https://acme.zendesk.com' })).toEqual([
      'ZENDESK_BASE_URL: also set ZENDESK_EMAIL and ZENDESK_API_TOKEN',
    ]);
    expect(deskSettingsIssues({ DESK_WEBHOOK_URL: 'https://x.example.com' })[0]).toMatch(/DESK_WEBHOOK_SECRET/);
    expect(deskSettingsIssues({ OUTBOX_BASE_DELAY_MS: 5000, OUTBOX_MAX_DELAY_MS: 1000 })).toHaveLength(1);
    expect(deskSettingsIssues({})).toEqual([]);
  });
});

describe('startDeskForwarding', () => {
  let world: DeskWorld;
  let server: LocalDeskServer;
  let forwarding: DeskForwarding | undefined;

  beforeEach(async () => {
    world = await openDeskWorld();
    server = await startLocalDesk();
  });
  afterEach(async () => {
    await forwarding?.stop();
    await server.close();
    await world.close();
  });

  const start = () =>
    startDeskForwarding({
      settings: settingsSchema.parse({
        ZENDESK_BASE_URL: server.url,
        ZENDESK_EMAIL,
        ZENDESK_API_TOKEN: ZENDESK_TOKEN,
        DESK_TIMEOUT_MS: '2000',
      }),
      desk: world.desk,
      store: world.store,
      clock: world.clock,
      logger: world.logs.logger,
      policy: { pollIntervalMs: 20, baseDelayMs: 10, maxDelayMs: 50 },
    });

  it('is off without an external desk configured', async () => {
    const settings = settingsSchema.parse({});
    const { desk, store, clock } = world;
    const none = await startDeskForwarding({ settings, desk, store, clock, logger: world.logs.logger });
    expect(none).toBeUndefined();
  });

  it('forwards to Zendesk in the background: filings (also those made while down) and our decisions', async () => {
    const whileDown = await world.desk.fileTicket(ticketRequest('conv-early'), 'confirm-early');
    forwarding = await start();
    expect(forwarding?.externalDesk.name).toBe('zendesk');
    const ticket = await world.desk.fileTicket(ticketRequest('conv-1'), 'confirm-1');
    const remote = (id: string) => server.tickets.filter((t) => t.externalId === id);
    await expect.poll(() => remote(whileDown.id).length + remote(ticket.id).length).toBe(2);

    await world.desk.decide(ticket.id, { decision: 'reject', note: '设备已绑定新商户' }, 'reviewer:li');
    await expect.poll(() => remote(ticket.id)[0]?.status).toBe('solved');
    expect(remote(ticket.id)[0]?.tags).toContain('unbind-rejected');

    // A decision Zendesk made itself comes in as zendesk:…; sending it back would echo.
    await world.desk.decide(whileDown.id, { decision: 'approve' }, 'zendesk:agent.li');
    await forwarding?.outbox.drain();
    expect(await forwarding?.outbox.listPending()).toEqual([]);
    expect(server.requests.filter((r) => r.method === 'PUT')).toHaveLength(1);
  });
});
