/**
 * Questions merchants ask in the middle of a request, answered from the catalogs
 * (locales/<lng>/faq.json, `answer.<id>`). The topic is the entry whose words the question
 * mentions most; a question that mentions none gets the list of topics.
 */
import type { Phrases } from '../src/engine/form-definition.ts';

export interface FaqEntry {
  id: string;
  words: Phrases;
}

export const FAQ: readonly FaqEntry[] = [
  {
    id: 'fees',
    words: {
      'zh-CN': ['手续费', '费用', '收费', '要钱', '多少钱', '花钱', '收钱', '免费', '扣钱'],
      'en-US': ['fee', 'fees', 'cost', 'charge', 'charged', 'price', 'free', 'pay'],
    },
  },
  {
    id: 'deposit',
    words: {
      'zh-CN': ['押金', '保证金', '退押金', '退钱', '退款', '服务费'],
      'en-US': ['deposit', 'refund', 'money back'],
    },
  },
  {
    id: 'reviewTime',
    words: {
      'zh-CN': ['多久', '几天', '多长时间', '时间', '什么时候', '审核要', '快点', '加急', '多快'],
      'en-US': ['how long', 'how many days', 'when', 'time', 'take', 'days', 'quick', 'urgent'],
    },
  },
  {
    id: 'documents',
    words: {
      'zh-CN': ['资料', '材料', '证件', '要什么', '准备', '营业执照', '身份证', '照片', '链接', '上传'],
      'en-US': [
        'document',
        'documents',
        'papers',
        'need to prepare',
        'licence',
        'license',
        'id card',
        'photo',
        'upload',
        'link',
      ],
    },
  },
  {
    id: 'whatIsUnbinding',
    words: {
      'zh-CN': ['什么是解绑', '解绑是什么', '解绑什么意思', '解绑后', '解绑以后', '还能用吗', '有什么影响'],
      'en-US': ['what is unbinding', 'what does unbind', 'what happens', 'after unbinding', 'still use', 'mean'],
    },
  },
];

/** Signs that a message asks something (mid-form, "营业执照照片" is an attempt at an answer, not a question). */
export const QUESTION_CUES: readonly string[] = [
  '?',
  '？',
  '吗',
  '么',
  '什么',
  '多少',
  '怎么',
  '怎样',
  '如何',
  '哪',
  '几',
  '多久',
  '是否',
  '能不能',
  '可不可以',
  '要不要',
  '有没有',
  'how',
  'what',
  'which',
  'when',
  'why',
  'do i',
  'is there',
  'can i',
  'does',
];

export function isQuestion(text: string): boolean {
  const lower = text.normalize('NFKC').toLowerCase();
  return QUESTION_CUES.some((cue) => lower.includes(cue));
}

/** The topic a question is about, or undefined when it names none. */
export function findFaqTopic(text: string): FaqEntry | undefined {
  const question = text.normalize('NFKC').toLowerCase();
  let best: { entry: FaqEntry; hits: number } | undefined;
  for (const entry of FAQ) {
    const hits = [...entry.words['zh-CN'], ...entry.words['en-US']].filter((w) => question.includes(w)).length;
    if (hits > 0 && (!best || hits > best.hits)) best = { entry, hits };
  }
  return best?.entry;
}
