/**
 * The Parley Java client.
 *
 * <pre>{@code
 * ChatClient client = ChatClient.builder().endpoint(URI.create("ws://localhost:7450/chat")).build();
 * ChatSession session = client.connect("alice-token", listener).join();
 * RoomHandle room = session.join(RoomId.of("general")).join();
 * room.send("hello").thenAccept(receipt -> ...);
 * }</pre>
 *
 * <p>One {@link dev.parley.chat.client.ChatClient} is shared by the whole application; each {@link
 * dev.parley.chat.client.ChatSession} is one logged-in user's connection, which reconnects and
 * resumes by itself. Events reach a {@link dev.parley.chat.client.ChatListener}, one at a time per
 * session.
 */
package dev.parley.chat.client;
