package dev.parley.chat.server.internal;

import dev.parley.chat.api.ChatMessage;

/**
 * Adds download links to a message's attachments as it goes out (a live delivery or a history
 * page). Links are signed per room and stable over a window, so one frame serves every member of
 * the room and a CDN caches one URL per file and window. Thread-safe; called on the delivering
 * thread, so it must not block.
 */
@FunctionalInterface
interface AttachmentLinks {
  /** No links: attachments go out as stored (attachments off). */
  AttachmentLinks NONE = message -> message;

  /** The message with a link on each attachment; the same message when it has none. */
  ChatMessage withLinks(ChatMessage message);

  /**
   * The links of a server with {@code settings}, deciding by {@code access} which rooms are
   * private: {@link #NONE} when attachments are off.
   */
  static AttachmentLinks create(ServerSettings settings, RoomAccess access) {
    AttachmentSettings attachments = settings.attachments();
    if (attachments == null) {
      return NONE;
    }
    return new SignedAttachmentLinks(
        attachments.signingKey(),
        SignedAttachmentLinks.filesPath(settings.path()),
        attachments.publicBaseUrl(),
        attachments.privateLinkValidity(),
        attachments.publicLinkValidity(),
        settings.clock(),
        access::cachedVisibility);
  }
}
