//! Temporary placeholder until the knowledge base lands.
pub mod explain {
    #[derive(serde::Serialize)]
    pub struct Explanation;
    impl Explanation {
        pub fn to_text(&self) -> String {
            String::new()
        }
    }
    pub fn explain(_s: &str) -> Result<Explanation, String> {
        Err("not ready".into())
    }
}
