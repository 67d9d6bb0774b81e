// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

/// @title M-of-N oracle attestations over EIP-712 messages.
/// @notice A message counts as attested when at least `threshold` of the registered oracles signed
/// its EIP-712 digest. The domain binds the chain id and this contract's address (OpenZeppelin's
/// EIP712 recomputes it if the chain id changes after a fork), so a signature never replays on
/// another chain or another deployment.
/// @dev Signatures come concatenated, 65 bytes each (r, s, v), ordered by strictly ascending
/// signer address: one signer cannot be counted twice, and checking that costs one comparison.
/// Every signature given must be valid; extra valid ones beyond the threshold are accepted.
abstract contract OracleQuorum is EIP712, Ownable2Step {
    uint256 private constant SIGNATURE_LENGTH = 65;

    /// Whether an address is a registered oracle.
    mapping(address => bool) public isOracle;
    /// How many oracles are registered.
    uint256 public oracleCount;
    /// How many distinct oracle signatures a message needs.
    uint256 public threshold;

    event OraclesChanged(address[] added, address[] removed, uint256 threshold);

    error ThresholdOutOfRange(uint256 threshold, uint256 oracles);
    error OracleAlreadyRegistered(address oracle);
    error OracleNotRegistered(address oracle);
    error InvalidOracle();
    error SignaturesMalformed(uint256 length);
    error TooFewSignatures(uint256 given, uint256 needed);
    error InvalidSignature(uint256 index);
    error NotAnOracle(uint256 index, address signer);
    error SignersNotAscending(uint256 index, address signer);

    constructor(string memory name, address governance, address[] memory oracles, uint256 threshold_)
        EIP712(name, "1")
        Ownable(governance)
    {
        _changeOracles(oracles, new address[](0), threshold_);
    }

    /// Adds and removes oracles and sets the threshold, in one step so that the set and its
    /// threshold are never inconsistent. The threshold is at least 1 and at most the oracle count.
    function changeOracles(address[] calldata add, address[] calldata remove, uint256 threshold_)
        external
        onlyOwner
    {
        _changeOracles(add, remove, threshold_);
    }

    function _changeOracles(address[] memory add, address[] memory remove, uint256 threshold_) private {
        for (uint256 i; i < remove.length; ++i) {
            if (!isOracle[remove[i]]) revert OracleNotRegistered(remove[i]);
            isOracle[remove[i]] = false;
        }
        for (uint256 i; i < add.length; ++i) {
            if (add[i] == address(0)) revert InvalidOracle();
            if (isOracle[add[i]]) revert OracleAlreadyRegistered(add[i]);
            isOracle[add[i]] = true;
        }
        uint256 count = oracleCount + add.length - remove.length;
        if (threshold_ == 0 || threshold_ > count) revert ThresholdOutOfRange(threshold_, count);
        oracleCount = count;
        threshold = threshold_;
        emit OraclesChanged(add, remove, threshold_);
    }

    /// Reverts unless `signatures` holds at least `threshold` valid signatures of distinct oracles
    /// over `digest`. Low-s only (no malleable twins), v of 27 or 28, never a zero signer.
    function _requireQuorum(bytes32 digest, bytes calldata signatures) internal view {
        if (signatures.length % SIGNATURE_LENGTH != 0) revert SignaturesMalformed(signatures.length);
        uint256 count = signatures.length / SIGNATURE_LENGTH;
        if (count < threshold) revert TooFewSignatures(count, threshold);
        address previous;
        for (uint256 i; i < count; ++i) {
            bytes32 r;
            bytes32 s;
            uint8 v;
            assembly ("memory-safe") {
                let p := add(signatures.offset, mul(i, SIGNATURE_LENGTH))
                r := calldataload(p)
                s := calldataload(add(p, 32))
                v := byte(0, calldataload(add(p, 64)))
            }
            (address signer, ECDSA.RecoverError failure,) = ECDSA.tryRecover(digest, v, r, s);
            if (failure != ECDSA.RecoverError.NoError) revert InvalidSignature(i);
            if (!isOracle[signer]) revert NotAnOracle(i, signer);
            if (signer <= previous) revert SignersNotAscending(i, signer);
            previous = signer;
        }
    }
}
