/**
 * Words merchants use for yes, no, skip, editing and corrections (the forms' vocabulary), and
 * for the commands that work at any step (the bot's).
 * Commands match the whole message after normalisation (see src/engine/answer-matching.ts), so a
 * name that merely contains one of these words is never a command; yes/no and skip also look for
 * their longer phrases inside an answer ("好的同意", "没有邮箱").
 */
import type { FormVocabulary, Phrases } from '../src/engine/form-definition.ts';

const YES: Phrases = {
  'zh-CN': [
    '是',
    '是的',
    '对',
    '对的',
    '好',
    '好的',
    '嗯',
    '嗯嗯',
    '可以',
    '行',
    '没问题',
    '没有问题',
    '涉及',
    '有的',
    '确认',
    '确定',
    '确认无误',
    '确认提交',
    '提交',
    '同意',
    '我同意',
    '没错',
    '正确',
    '有',
    '👍',
    '👌',
    '✅',
    '🙆',
  ],
  'en-US': [
    'yes',
    'y',
    'yeah',
    'yep',
    'sure',
    'ok',
    'okay',
    'confirm',
    'correct',
    'agree',
    'i agree',
    'submit',
    'right',
    'true',
  ],
};

const NO: Phrases = {
  'zh-CN': [
    '👎',
    '❌',
    '🙅',
    '不',
    '没',
    '不是',
    '否',
    '不对',
    '不同意',
    '不行',
    '算了',
    '不要',
    '没有',
    '无',
    '不用',
    '不涉及',
    '重新选择',
    '重新选',
  ],
  'en-US': ['no', 'n', 'nope', 'nah', 'disagree', 'wrong', 'false', 'none', 'not', "don't", 'do not', 'choose again'],
};

const SKIP: Phrases = {
  'zh-CN': ['跳过', '没有', '无', '不填', '不用', '略过', '暂无', '没邮箱', '没有邮箱', '无邮箱', '不留'],
  'en-US': ['skip', 'none', 'no', 'n/a', 'na', 'no email', 'pass'],
};

/** Asking to change something at the summary, without naming the field yet. */
const EDIT: Phrases = {
  'zh-CN': ['修改', '更改', '我要修改', '改一下', '要改', '有错', '不对'],
  'en-US': ['change', 'edit', 'modify', 'change something', 'fix'],
};

/** What people put before a field's name when they want to change it ("改电话", "change my phone"). */
const EDIT_PREFIXES: readonly string[] = [
  '我要修改',
  '我想修改',
  '帮我修改',
  '修改一下',
  '修改',
  '更改',
  '改一下',
  '更正',
  '改',
  '换',
  'change the',
  'change my',
  'change',
  'edit the',
  'edit my',
  'edit',
  'fix',
  'update my',
  'update',
  'correct',
];

/** Words that say an earlier answer was wrong ("电话写错了，应该是…", "sorry, my email is …"). */
const CORRECTION_CUES: Phrases = {
  'zh-CN': [
    '写错了',
    '填错了',
    '打错了',
    '输错了',
    '错了',
    '不对',
    '应该是',
    '改成',
    '改为',
    '更正',
    '更改',
    '修改',
    '换成',
  ],
  'en-US': [
    'sorry',
    'wrong',
    'typo',
    'mistake',
    'actually',
    'should be',
    'correct',
    'change my',
    'update my',
    'instead',
  ],
};

/** Where the corrected value starts: after the last of these. */
const CORRECTION_VALUE_MARKERS: readonly string[] = [
  '应该是',
  '改成',
  '改为',
  '换成',
  '是',
  '为',
  ' is ',
  ' to ',
  '：',
  ':',
  '->',
];

/** Keeping an answer a reviewer questioned as it is. */
const KEEP: Phrases = {
  'zh-CN': [
    '不用改',
    '不改',
    '不改了',
    '不需要改',
    '不用修改',
    '保持不变',
    '保持原样',
    '没错',
    '就是这个',
    '原来的就对',
    '没有问题',
    '没问题',
  ],
  'en-US': [
    'no change',
    'no changes',
    'keep it',
    'keep it as is',
    'it is correct',
    "it's correct",
    'unchanged',
    'leave it',
  ],
};

/** What the forms understand around their answers. */
export const FORM_VOCABULARY: FormVocabulary = {
  yes: YES,
  no: NO,
  skip: SKIP,
  edit: EDIT,
  editPrefixes: EDIT_PREFIXES,
  correctionCues: CORRECTION_CUES,
  correctionValueMarkers: CORRECTION_VALUE_MARKERS,
  keep: KEEP,
  // "SN是 K7Q3…", "电话号码：138…", "my name is …".
  labelLinks: ['是', '为', '叫', 'is', 'are'],
  labelFillers: ['的', '号码', '号'],
};

/** Commands that work at any step. */
export const COMMANDS = {
  cancel: {
    'zh-CN': [
      '取消',
      '取消申请',
      '不办了',
      '不弄了',
      '退出',
      '撤回',
      '撤回申请',
      '我要撤回',
      '帮我撤回申请',
      '撤销申请',
      '不想解绑了',
    ],
    'en-US': [
      'cancel',
      'quit',
      'stop',
      'exit',
      'cancel request',
      'withdraw',
      'withdraw my request',
      'withdraw request',
      'cancel my application',
      'cancel my request',
    ],
  },
  restart: {
    'zh-CN': ['重新开始', '重来', '从头开始', '重新填'],
    'en-US': ['start over', 'restart', 'start again', 'reset'],
  },
  back: {
    'zh-CN': ['上一步', '返回', '返回上一步', '后退'],
    'en-US': ['back', 'go back', 'previous', 'undo'],
  },
  help: {
    'zh-CN': ['帮助', '帮忙', '怎么弄', '怎么填', '?', '？'],
    'en-US': ['help', 'what do i do', 'how'],
  },
  human: {
    'zh-CN': ['人工', '转人工', '人工客服', '转人工客服', '人工回电', '客服', '找客服'],
    'en-US': [
      'agent',
      'human',
      'real person',
      'talk to an agent',
      'request a call back',
      'request a callback',
      'call me back',
    ],
  },
  status: {
    'zh-CN': ['查询解绑进度', '查询进度', '查进度', '进度', '我的解绑进度', '解绑进度', '审核进度', '到哪了'],
    'en-US': ['status', 'check status', 'progress', 'check progress', 'status of my request', 'where is my request'],
  },
  english: {
    'zh-CN': ['english', '英文', '英语'],
    'en-US': ['english', 'in english'],
  },
  chinese: {
    'zh-CN': ['中文', '汉语', '普通话', 'chinese'],
    'en-US': ['chinese', 'in chinese', '中文'],
  },
  start: {
    'zh-CN': ['解绑', '我要解绑', '申请解绑', '新申请', '再申请一个', '开始'],
    'en-US': ['unbind', 'unbind my terminal', 'new request', 'start'],
  },
  /** After a rejection or a withdrawal: a new request from the last one's answers. */
  reapply: {
    'zh-CN': ['重新申请', '再申请', '再次申请', '重新提交申请', '重新申请解绑'],
    'en-US': ['apply again', 'reapply', 're-apply', 'submit again', 'apply again please'],
  },
} as const satisfies Record<string, Phrases>;

export type CommandName = keyof typeof COMMANDS;
