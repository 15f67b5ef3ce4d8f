package dev.parley.chat.spi;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager whose alias choices go to the delegate current at that moment: a handshake that
 * starts after {@link #swap} presents the new certificate; one already past choosing its alias
 * carries on with the one it chose. Each alias handed out is prefixed with its delegate's
 * generation, so a handshake that chose before a swap still gets the chain and key of that choice
 * (the current and the previous generation are kept). Thread-safe.
 */
final class ReloadableKeyManager extends X509ExtendedKeyManager {
  private record Generation(int number, X509ExtendedKeyManager keys) {
    String tag(String alias) {
      return alias == null ? null : number + ":" + alias;
    }

    String[] tag(String[] aliases) {
      if (aliases == null) {
        return null;
      }
      String[] tagged = new String[aliases.length];
      for (int i = 0; i < aliases.length; i++) {
        tagged[i] = tag(aliases[i]);
      }
      return tagged;
    }
  }

  private volatile Generation current;
  private volatile Generation previous;

  ReloadableKeyManager(X509ExtendedKeyManager delegate) {
    this.current = new Generation(0, Objects.requireNonNull(delegate, "delegate"));
    this.previous = current;
  }

  synchronized void swap(X509ExtendedKeyManager next) {
    Generation old = current;
    previous = old;
    current = new Generation(old.number() + 1, Objects.requireNonNull(next, "next"));
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    Generation g = current;
    return g.tag(g.keys().getClientAliases(keyType, issuers));
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    Generation g = current;
    return g.tag(g.keys().chooseClientAlias(keyType, issuers, socket));
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    Generation g = current;
    return g.tag(g.keys().getServerAliases(keyType, issuers));
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    Generation g = current;
    return g.tag(g.keys().chooseServerAlias(keyType, issuers, socket));
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    Generation g = current;
    return g.tag(g.keys().chooseEngineClientAlias(keyType, issuers, engine));
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    Generation g = current;
    return g.tag(g.keys().chooseEngineServerAlias(keyType, issuers, engine));
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Generation g = generationOf(alias);
    return g == null ? null : g.keys().getCertificateChain(untag(alias));
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Generation g = generationOf(alias);
    return g == null ? null : g.keys().getPrivateKey(untag(alias));
  }

  private Generation generationOf(String alias) {
    int colon = alias == null ? -1 : alias.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String number = alias.substring(0, colon);
    Generation now = current;
    if (number.equals(Integer.toString(now.number()))) {
      return now;
    }
    Generation before = previous;
    return number.equals(Integer.toString(before.number())) ? before : null;
  }

  private static String untag(String alias) {
    return alias.substring(alias.indexOf(':') + 1);
  }
}
