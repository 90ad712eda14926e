package indexer

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"zhengce"
	"zhengce/indexer/taxonomy"
)

// internalDataKey holds the fingerprint of the data files an index was built
// with: {"dict.txt": "<sha256>", …}.
var internalDataKey = []byte("zhengce_data_sha256")

// dataFiles are the files of the data folder that change how an issue is
// analysed and filed.
var dataFiles = []string{DictFile, taxonomy.AliasesFile, taxonomy.AreasFile}

// dataFingerprint returns the SHA-256 of each data file in dir.
func dataFingerprint(dir string) (map[string]string, error) {
	fp := make(map[string]string, len(dataFiles))
	for _, name := range dataFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("reading data: %w", err)
		}
		sum := sha256.Sum256(b)
		fp[name] = hex.EncodeToString(sum[:])
	}
	return fp, nil
}

// keeper is what an index that internal keys are written into offers.
type keeper interface {
	SetInternal(key, val []byte) error
}

func writeFingerprint(idx keeper, fp map[string]string) error {
	b, err := json.Marshal(fp)
	if err != nil {
		return fmt.Errorf("encoding the data fingerprint: %w", err)
	}
	if err := idx.SetInternal(internalDataKey, b); err != nil {
		return fmt.Errorf("writing the data fingerprint: %w", err)
	}
	return nil
}

// checkFingerprint refuses to add to an index built with other data files
// than those in data (by name, with the folder they were read from): an
// issue analysed with another dictionary, other aliases or other area rules
// would be found and filed differently from the rest.
func (i *Index) checkFingerprint(data *Data, dataDir string) error {
	b, err := i.GetInternal(internalDataKey)
	if err != nil {
		return fmt.Errorf("reading the data fingerprint of index %s: %w", i.Dir, err)
	}
	if len(b) == 0 {
		return zhengce.Errorf(zhengce.EINVALID,
			"index %s does not record the data files it was built with: run `zhengce index` to rebuild it, then add", i.Dir)
	}
	var built map[string]string
	if err := json.Unmarshal(b, &built); err != nil {
		return fmt.Errorf("decoding the data fingerprint of index %s: %w", i.Dir, err)
	}
	var changed []string
	for name, sum := range data.Fingerprint {
		if built[name] != sum {
			changed = append(changed, filepath.Join(dataDir, name))
		}
	}
	if len(changed) > 0 {
		slices.Sort(changed)
		return zhengce.Errorf(zhengce.EINVALID,
			"%s changed since index %s was built: a new issue would be analysed differently from the rest; run `zhengce index` to re-index every issue with the new data",
			strings.Join(changed, ", "), i.Dir)
	}
	return nil
}
