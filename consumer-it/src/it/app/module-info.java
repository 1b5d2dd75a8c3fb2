// The consumer's module: it names only the Strongroom modules it uses. No --add-modules is given
// for Jackson, Tink, Bouncy Castle or Caffeine: strongroom's descriptors must pull them in.
module consumer.app {
  requires dev.strongroom.file;
}
