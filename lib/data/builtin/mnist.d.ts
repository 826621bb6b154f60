/** The `mnist` package ships no types; this is the part the built-in digits read. */
declare module "mnist" {
  /** One entry per digit 0–9: every sample's 784 pixels in 0–1, concatenated. */
  const digits: ReadonlyArray<{ id: number; raw: number[] }>;
  export default digits;
}
