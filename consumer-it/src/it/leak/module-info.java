// Must NOT compile: it uses a class of an internal Strongroom package.
module consumer.leak {
  requires dev.strongroom.core;
}
