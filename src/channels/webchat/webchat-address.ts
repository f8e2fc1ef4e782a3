/** The web chat's channel name, in every address it makes. */
export const WEBCHAT_CHANNEL = 'webchat';
