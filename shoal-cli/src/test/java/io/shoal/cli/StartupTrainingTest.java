package io.shoal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The launcher records its start-up cache from this workload; a failure would leave nodes without one. */
class StartupTrainingTest {
  @Test
  void trainingStartsLoadsAndStopsItsNodesAndLeavesNoFilesBehind() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = trainingDirs(tmp);
    StartupTraining.train();
    assertEquals(before, trainingDirs(tmp));
  }

  private static long trainingDirs(Path tmp) throws Exception {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.filter(path -> path.getFileName().toString().startsWith("shoal-training")).count();
    }
  }
}
