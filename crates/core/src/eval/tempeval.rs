//! TempEval-3 date-normalisation scorer. OWNER: dates helper. Stub.
