//! Benchmark reference: iterates a CSV file's records with the `csv` crate (`ByteRecord`, one
//! thread, flexible rows, no headers) and prints how many there were. `scripts/bench.sh` times
//! `msidiag analyze` on a Procmon CSV export against this.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: csv_iter_ref FILE")?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(path)?;
    let mut record = csv::ByteRecord::new();
    let mut rows = 0u64;
    while reader.read_byte_record(&mut record)? {
        rows += 1;
    }
    println!("{rows}");
    Ok(())
}
