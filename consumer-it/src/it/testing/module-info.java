// A consumer's test module: it names only strongroom-testing, which brings core and JUnit's API.
module consumer.testing {
  requires dev.strongroom.testing;
}
