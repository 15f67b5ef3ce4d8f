package dev.parley.chat.examples.observability;

import static dev.parley.chat.examples.observability.MonitoringFiles.file;
import static dev.parley.chat.examples.observability.MonitoringFiles.list;
import static dev.parley.chat.examples.observability.MonitoringFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and its provisioning files hang together: no Grafana runs in the build, so
 * this reads them and checks what Grafana relies on (the data source uid, unique panel ids and
 * query ids, the node variable on every Parley query). Whether each query returns data from a real
 * node is {@link MonitoringIT}'s part.
 */
class DashboardTest {
  @Test
  void everyPanelQueriesTheProvisionedDataSourceForTheChosenNodes() throws IOException {
    JsonObject dashboard = dashboard();
    String uid = provisionedDataSourceUid();
    assertThat(dashboard.get("uid").getAsString()).isEqualTo("parley-overview");

    JsonObject variable =
        dashboard.getAsJsonObject("templating").getAsJsonArray("list").get(0).getAsJsonObject();
    assertThat(variable.get("name").getAsString()).isEqualTo("instance");
    assertThat(variable.get("definition").getAsString()).contains("job=\"parley\"");
    assertThat(variable.getAsJsonObject("datasource").get("uid").getAsString()).isEqualTo(uid);

    Set<Integer> ids = new HashSet<>();
    List<String> wrong = new ArrayList<>();
    int queries = 0;
    for (JsonElement element : dashboard.getAsJsonArray("panels")) {
      JsonObject panel = element.getAsJsonObject();
      String title = panel.get("title").getAsString();
      assertThat(ids.add(panel.get("id").getAsInt())).as("id of %s is unique", title).isTrue();
      if (panel.get("type").getAsString().equals("row")) {
        continue;
      }
      assertThat(panel.getAsJsonObject("datasource").get("uid").getAsString())
          .as(title)
          .isEqualTo(uid);
      assertThat(panel.get("description").getAsString()).as(title).isNotBlank();
      JsonArray targets = panel.getAsJsonArray("targets");
      assertThat(targets).as("queries of %s", title).isNotEmpty();
      Set<String> refIds = new HashSet<>();
      for (JsonElement target : targets) {
        JsonObject query = target.getAsJsonObject();
        assertThat(refIds.add(query.get("refId").getAsString())).as(title).isTrue();
        String expr = query.get("expr").getAsString();
        queries++;
        for (String selector : AlertExpression.selectors(expr)) {
          boolean parley = !AlertExpression.metricName(selector).equals("ALERTS");
          if (parley && !selector.contains("instance=~\"$instance\"")) {
            wrong.add(title + ": " + selector);
          }
        }
      }
    }
    assertThat(queries).isGreaterThanOrEqualTo(40);
    assertThat(wrong).as("selectors that ignore the node variable").isEmpty();
  }

  @Test
  void dashboardProviderLoadsTheDashboardFolder() throws IOException {
    Map<String, Object> provider =
        map(
            list(MonitoringFiles.yaml(file("grafana/provisioning/dashboards/parley.yml"))
                    .get("providers"))
                .get(0));
    assertThat(provider.get("type")).isEqualTo("file");
    assertThat(map(provider.get("options")).get("path"))
        .isEqualTo("/var/lib/grafana/dashboards/parley");
    assertThat(Files.isRegularFile(file("grafana/dashboards/parley.json"))).isTrue();
  }

  static JsonObject dashboard() throws IOException {
    return JsonParser.parseString(Files.readString(file("grafana/dashboards/parley.json")))
        .getAsJsonObject();
  }

  private static String provisionedDataSourceUid() throws IOException {
    Map<String, Object> source =
        map(
            list(MonitoringFiles.yaml(
                        file("grafana/provisioning/datasources/parley-prometheus.yml"))
                    .get("datasources"))
                .get(0));
    assertThat(source.get("type")).isEqualTo("prometheus");
    return (String) source.get("uid");
  }

  /** Every query of the dashboard, as Grafana stores it (with its variables). */
  static List<String> queries() throws IOException {
    List<String> queries = new ArrayList<>();
    for (JsonElement element : dashboard().getAsJsonArray("panels")) {
      JsonArray targets = element.getAsJsonObject().getAsJsonArray("targets");
      if (targets != null) {
        for (JsonElement target : targets) {
          queries.add(target.getAsJsonObject().get("expr").getAsString());
        }
      }
    }
    return queries;
  }
}
