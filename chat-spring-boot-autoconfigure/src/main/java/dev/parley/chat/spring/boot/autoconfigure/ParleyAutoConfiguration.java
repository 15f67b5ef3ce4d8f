package dev.parley.chat.spring.boot.autoconfigure;

import dev.parley.chat.server.ChatServer;
import dev.parley.chat.server.ChatServerBuilder;
import dev.parley.chat.server.DevelopmentAuthenticator;
import dev.parley.chat.server.FileSystemBlobStore;
import dev.parley.chat.server.MessageHook;
import dev.parley.chat.server.SessionListener;
import dev.parley.chat.spi.Authenticator;
import dev.parley.chat.spi.BlobStore;
import dev.parley.chat.spi.ClusterBus;
import dev.parley.chat.spi.EventSink;
import dev.parley.chat.spi.MessageStore;
import dev.parley.chat.spi.RoomAccessStore;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of an embedded Parley {@link ChatServer}, built from the {@code parley.*}
 * properties ({@link ParleyProperties}) and the application's beans, and run with the application
 * context by {@link ParleyServerLifecycle}.
 *
 * <p>Beans it uses when the application has them: an {@link Authenticator} (required, unless a
 * {@code JwtAuthenticator} is made from {@code parley.auth.jwt.*} with chat-auth-jwt on the class
 * path, or {@code parley.development-authenticator=true}), a {@link MessageStore} (else a {@code
 * JdbcMessageStore} on the application's {@code DataSource} when chat-store-jdbc is on the class
 * path, else the server's in-memory store), a {@link ClusterBus}, a {@link BlobStore} (which turns
 * attachments on, configured by {@code parley.attachments.*}; else a {@link FileSystemBlobStore}
 * when {@code parley.attachments.directory} is set), an {@link EventSink} (which turns events on
 * with {@code EventOptions}' defaults; the server closes it when it stops), and any number of
 * {@link ChatServerBuilderCustomizer}s, and a Micrometer {@code MeterRegistry} for the server's
 * meters when Micrometer is on the class path. An application that declares its own {@code
 * ChatServer} bean gets only the lifecycle for it.
 *
 * <p>Runs after the {@code DataSource} auto-configuration of Spring Boot 4 and of Spring Boot 3.
 * Stateless: Spring calls its bean methods once each, on the thread that refreshes the context.
 */
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
      "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration"
    })
@ConditionalOnClass(ChatServer.class)
@ConditionalOnProperty(prefix = "parley", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(ParleyProperties.class)
@Import({
  ParleyJdbcStoreConfiguration.class,
  ParleyMetricsConfiguration.class,
  ParleyJwtConfiguration.class
})
public class ParleyAutoConfiguration {
  private static final Logger log = LoggerFactory.getLogger(ParleyAutoConfiguration.class);

  /** Used by Spring. */
  public ParleyAutoConfiguration() {}

  /**
   * The server, built but not started: {@link ParleyServerLifecycle} starts it once the context is
   * ready. Closed (idempotently) when the context is destroyed, in case the lifecycle never ran.
   *
   * @throws MissingAuthenticatorException without an Authenticator bean or the development opt-in
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public ChatServer parleyChatServer(
      ParleyProperties properties,
      ObjectProvider<Authenticator> authenticator,
      ObjectProvider<MessageStore> messageStore,
      ObjectProvider<RoomAccessStore> roomAccessStore,
      ObjectProvider<ClusterBus> clusterBus,
      ObjectProvider<MessageHook> messageHooks,
      ObjectProvider<SessionListener> sessionListeners,
      ObjectProvider<ChatServerBuilderCustomizer> customizers,
      ObjectProvider<BlobStore> blobStore,
      ObjectProvider<EventSink> eventSink) {
    ChatServerBuilder builder = ChatServer.builder();
    ParleyServerSettings.apply(properties, builder);
    builder.authenticator(authenticatorFor(properties, authenticator.getIfAvailable()));
    messageStore.ifAvailable(builder::messageStore);
    roomAccessStore.ifAvailable(builder::roomAccessStore);
    // The catch-up sweep is a cluster node's: set only with a bus (the builder refuses it alone).
    clusterBus.ifAvailable(
        bus ->
            builder.clusterBus(bus).catchUpInterval(properties.getCluster().getCatchUpInterval()));
    blobStore.ifAvailable(
        blobs ->
            builder.attachments(
                ParleyServerSettings.attachmentsOf(properties.getAttachments(), blobs)));
    eventSink.ifAvailable(builder::events);
    messageHooks.orderedStream().forEach(builder::messageHook);
    sessionListeners.orderedStream().forEach(builder::sessionListener);
    customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
    return builder.build();
  }

  /**
   * The file-system blob store under {@code parley.attachments.directory}, which turns attachments
   * on; an application's own {@code BlobStore} bean (an {@code S3BlobStore}) replaces it. Closed
   * with the context, after the server.
   *
   * @throws IOException if the directory cannot be made or is a file
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(BlobStore.class)
  @ConditionalOnProperty(prefix = "parley.attachments", name = "directory")
  public FileSystemBlobStore parleyBlobStore(ParleyProperties properties) throws IOException {
    return FileSystemBlobStore.open(properties.getAttachments().getDirectory());
  }

  /** Starts the server with the context and drains it on shutdown. */
  @Bean
  @ConditionalOnMissingBean
  public ParleyServerLifecycle parleyServerLifecycle(
      ChatServer server, ParleyProperties properties) {
    return new ParleyServerLifecycle(server, properties.getShutdown().getDrainTimeout());
  }

  private static Authenticator authenticatorFor(ParleyProperties properties, Authenticator bean) {
    if (bean != null) {
      return bean;
    }
    if (properties.isDevelopmentAuthenticator()) {
      log.warn(
          "Parley is using DevelopmentAuthenticator.ANY_NICKNAME (parley.development-authenticator"
              + "=true): anyone can connect as anyone. For demos and tests only.");
      return DevelopmentAuthenticator.ANY_NICKNAME;
    }
    throw new MissingAuthenticatorException();
  }
}
