package dev.parley.chat.examples.observability;

import static dev.parley.chat.examples.observability.MonitoringFiles.list;
import static dev.parley.chat.examples.observability.MonitoringFiles.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Prometheus scrapes the nodes the cluster example runs: the targets in {@code
 * targets/local-cluster.yml} are the HTTP sides nginx's {@code parley_http} upstream lists (the
 * local cluster's nodes), each with its own {@code node} label, and prometheus.yml reads that
 * folder for the job {@code parley} that every rule and dashboard query selects.
 */
class ScrapeTargetsTest {
  private static final Pattern HTTP_UPSTREAM =
      Pattern.compile("upstream\\s+parley_http\\s*\\{(.*?)\\}", Pattern.DOTALL);
  private static final Pattern SERVER = Pattern.compile("(?m)^\\s*server\\s+([^\\s;]+)");

  @Test
  void targetsAreTheLocalClustersHttpSides() throws IOException {
    List<String> targets = new ArrayList<>();
    List<Object> nodes = new ArrayList<>();
    for (Object group :
        list(MonitoringFiles.load(MonitoringFiles.file("targets/local-cluster.yml")))) {
      Map<String, Object> targetGroup = map(group);
      list(targetGroup.get("targets")).forEach(target -> targets.add((String) target));
      nodes.add(map(targetGroup.get("labels")).get("node"));
    }

    String upstreams =
        Files.readString(
            MonitoringFiles.FOLDER.resolveSibling("cluster").resolve("upstreams.conf"));
    Matcher block = HTTP_UPSTREAM.matcher(upstreams);
    assertThat(block.find()).isTrue();
    List<String> servers = SERVER.matcher(block.group(1)).results().map(m -> m.group(1)).toList();

    assertThat(targets).isEqualTo(servers);
    assertThat(nodes).doesNotHaveDuplicates().doesNotContainNull().hasSameSizeAs(targets);
  }

  @Test
  void theParleyJobReadsTheTargetsFolder() throws IOException {
    Map<String, Object> job =
        map(
            list(MonitoringFiles.yaml(MonitoringFiles.file("prometheus.yml")).get("scrape_configs"))
                .get(0));
    assertThat(job.get("job_name")).isEqualTo("parley");
    assertThat(job.get("metrics_path")).isEqualTo("/metrics");
    assertThat(map(list(job.get("file_sd_configs")).get(0)).get("files"))
        .isEqualTo(List.of("targets/*.yml"));
  }
}
