/** The ticket contract's cross-field rules: which documents each device condition needs. */
import { describe, expect, it } from 'vitest';
import { ticketFieldsSchema } from '../../src/validation/ticket.ts';

const BASE = {
  sn: 'N5W1234567',
  merchantNo: '102100012345678',
  reason: 'relocation_or_closure',
  contactName: '张三',
  phone: '13812345678',
  involvesMinor: false,
};
const IDS = {
  businessLicense: 'https://pan.example.com/s/licence',
  legalRepIdFront: 'https://pan.example.com/s/front',
  legalRepIdBack: 'https://pan.example.com/s/back',
};

function issues(input: unknown) {
  const result = ticketFieldsSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

describe('ticket documents by device condition', () => {
  it('refuses a lost device without a loss report, with a required code on that document', () => {
    expect(issues({ ...BASE, deviceCondition: 'lost', documents: IDS })).toEqual([
      { path: ['documents', 'lossReport'], message: 'required' },
    ]);
  });

  it('refuses a working or faulty device without its photo, even with a loss report', () => {
    for (const deviceCondition of ['working', 'faulty']) {
      const documents = { ...IDS, lossReport: 'https://pan.example.com/s/report' };
      expect(issues({ ...BASE, deviceCondition, documents })).toEqual([
        { path: ['documents', 'devicePhoto'], message: 'required' },
      ]);
    }
  });

  it('takes a lost device with a loss report and no photo, and a working one with its photo', () => {
    const lost = { ...BASE, deviceCondition: 'lost', documents: { ...IDS, lossReport: 'https://pan.example.com/s/r' } };
    expect(issues(lost)).toEqual([]);
    const working = {
      ...BASE,
      deviceCondition: 'working',
      documents: { ...IDS, devicePhoto: 'https://a.example.com/p' },
    };
    expect(issues(working)).toEqual([]);
  });

  it('checks the loss report as a document link', () => {
    const documents = { ...IDS, lossReport: 'http://pan.example.com/s/r' };
    expect(issues({ ...BASE, deviceCondition: 'lost', documents })).toEqual([
      { path: ['documents', 'lossReport'], message: 'url.notHttps' },
    ]);
  });
});
