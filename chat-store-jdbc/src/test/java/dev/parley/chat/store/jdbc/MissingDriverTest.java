package dev.parley.chat.store.jdbc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The drivers are optional dependencies of this module, so an application can build a store without
 * one. The platform class loader stands for such an application: it sees the JDK, not the drivers.
 */
class MissingDriverTest {
  private static final ClassLoader WITHOUT_DRIVERS = ClassLoader.getPlatformClassLoader();

  @Test
  void aMissingPostgresDriverNamesTheArtifactToAdd() {
    assertThatThrownBy(
            () ->
                JdbcMessageStoreBuilder.requireDriver(
                    SqlDialect.POSTGRESQL, List.of(WITHOUT_DRIVERS)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("org.postgresql:postgresql")
        .hasMessageContaining("org.postgresql.Driver");
  }

  @Test
  void aMissingH2DriverNamesTheArtifactToAdd() {
    assertThatThrownBy(
            () -> JdbcMessageStoreBuilder.requireDriver(SqlDialect.H2, List.of(WITHOUT_DRIVERS)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("com.h2database:h2");
  }

  @Test
  void aDriverVisibleToAnyOfTheLoadersIsEnough() {
    ClassLoader withDrivers = MissingDriverTest.class.getClassLoader();
    for (SqlDialect dialect : SqlDialect.values()) {
      assertThatCode(
              () ->
                  JdbcMessageStoreBuilder.requireDriver(
                      dialect, Arrays.asList(null, WITHOUT_DRIVERS, withDrivers)))
          .doesNotThrowAnyException();
    }
  }
}
