//! CoNLL-2003 NER scorer. OWNER: NER helper. Stub.
