/** Slack's channel name, in every address it makes. */
export const SLACK_CHANNEL = 'slack';
